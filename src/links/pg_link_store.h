#pragma once
// The LinkStore on PostgreSQL (stage 2 and up), through the connection pool.
#include <memory>

#include "links/link_store.h"
#include "store/pg/pg_pool.h"

namespace shortstack::links {

class PgLinkStore final : public LinkStore {
 public:
  explicit PgLinkStore(std::shared_ptr<store::pg::PgPool> pool) : pool_(std::move(pool)) {}
  Result<Link> create(const NewLink& link) override;
  Result<std::optional<Link>> find_by_code(std::string_view code) override;
  Result<LinkPage> list_by_owner(int64_t owner_id, std::optional<int64_t> before_id, size_t limit) override;
  Status scan_recent(size_t limit, const std::function<void(const Link&)>& visit) override;
  Result<std::optional<Link>> update(std::string_view code, int64_t owner_id, const LinkPatch& patch) override;
  Result<bool> remove(std::string_view code, int64_t owner_id, int64_t now) override;
  Result<std::optional<Link>> moderate(std::string_view code, std::string_view moderation, int64_t now) override;
  Result<std::vector<Link>> find_by_ids(const std::vector<int64_t>& ids) override;

 private:
  std::shared_ptr<store::pg::PgPool> pool_;
};

}  // namespace shortstack::links
