#pragma once
// The LinkStore on PostgreSQL (stage 2 and up), through the connection pool. With read replicas
// (stage 5), link listings and relaxed lookups may read a replica of this zone; every write records
// the position its commit reached, so the owner's next listing reads only a replica that has it.
#include <memory>

#include "links/link_store.h"
#include "store/pg/pg_pool.h"
#include "store/pg/replica_set.h"
#include "store/pg/write_marks.h"

namespace shortstack::links {

// Both set, or neither: replicas are used only when writes leave marks.
struct PgReadRouting {
  std::shared_ptr<store::pg::PgReplicaSet> replicas;
  std::shared_ptr<store::pg::WriteMarks> marks;
};

class PgLinkStore final : public LinkStore {
 public:
  explicit PgLinkStore(std::shared_ptr<store::pg::PgPool> pool, PgReadRouting routing = {})
      : pool_(std::move(pool)), routing_(std::move(routing)) {}
  Result<Link> create(const NewLink& link) override;
  Result<std::optional<Link>> find_by_code(std::string_view code) override;
  Result<std::optional<Link>> find_by_code_relaxed(std::string_view code) override;
  Result<LinkPage> list_by_owner(int64_t owner_id, std::optional<int64_t> before_id, size_t limit) override;
  Status scan_recent(size_t limit, const std::function<void(const Link&)>& visit) override;
  Result<std::optional<Link>> update(std::string_view code, int64_t owner_id, const LinkPatch& patch) override;
  Result<bool> remove(std::string_view code, int64_t owner_id, int64_t now) override;
  Result<std::optional<Link>> moderate(std::string_view code, std::string_view moderation, int64_t now) override;
  Result<std::vector<Link>> find_by_ids(const std::vector<int64_t>& ids) override;

 private:
  // One statement on the primary; with replicas, the owner's write mark moves to where it committed.
  Result<store::pg::PgResult> write(std::string_view sql, const std::vector<store::pg::Param>& params,
                                    const std::function<std::optional<int64_t>(const store::pg::PgResult&)>& owner_of);
  // The pool a read may use: a replica that has replayed `must_see`, or the primary.
  store::pg::PgPool& read_pool(std::optional<store::pg::Lsn> must_see);
  Result<std::optional<Link>> find_on(store::pg::PgPool& pool, std::string_view code);
  // The primary's answer; while it is away, a found link from a replica fit when it was last seen.
  Result<std::optional<Link>> find_on_primary_or_outage_replica(std::string_view code);

  std::shared_ptr<store::pg::PgPool> pool_;
  PgReadRouting routing_;
};

}  // namespace shortstack::links
