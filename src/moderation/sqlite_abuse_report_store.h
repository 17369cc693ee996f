#pragma once
// Abuse reports in the main SQLite database (migrations/sqlite/0004_moderation.sql).
#include <memory>

#include "moderation/abuse_report_store.h"
#include "store/sqlite_db.h"

namespace shortstack::moderation {

class SqliteAbuseReportStore final : public AbuseReportStore {
 public:
  explicit SqliteAbuseReportStore(std::shared_ptr<store::SqliteDb> db) : db_(std::move(db)) {}
  Result<AbuseReport> file(const NewAbuseReport& report) override;
  Result<std::vector<AbuseReport>> list_open(std::optional<int64_t> before_id, size_t limit) override;
  Result<size_t> resolve_for_link(int64_t link_id, std::string_view resolution, int64_t now) override;

 private:
  std::shared_ptr<store::SqliteDb> db_;
};

}  // namespace shortstack::moderation
