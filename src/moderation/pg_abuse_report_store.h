#pragma once
// Abuse reports on PostgreSQL (migrations/postgres/0004_moderation.sql).
#include <memory>

#include "moderation/abuse_report_store.h"
#include "store/pg/pg_pool.h"

namespace shortstack::moderation {

class PgAbuseReportStore final : public AbuseReportStore {
 public:
  explicit PgAbuseReportStore(std::shared_ptr<store::pg::PgPool> pool) : pool_(std::move(pool)) {}
  Result<AbuseReport> file(const NewAbuseReport& report) override;
  Result<std::vector<AbuseReport>> list_open(std::optional<int64_t> before_id, size_t limit) override;
  Result<size_t> resolve_for_link(int64_t link_id, std::string_view resolution, int64_t now) override;

 private:
  std::shared_ptr<store::pg::PgPool> pool_;
};

}  // namespace shortstack::moderation
