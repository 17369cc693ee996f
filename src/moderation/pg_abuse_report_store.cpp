#include "moderation/pg_abuse_report_store.h"

#include <limits>

namespace shortstack::moderation {

Result<AbuseReport> PgAbuseReportStore::file(const NewAbuseReport& r) {
  auto row = pool_->exec("INSERT INTO abuse_reports(link_id, code, reason, reporter_id, created_at) VALUES($1, $2, $3, $4, $5) "
                         "RETURNING id",
                         {r.link_id, r.code, r.reason, r.reporter_id, r.now});
  if (!row) return row.error();
  return AbuseReport{row->int64(0, 0), r.link_id, r.code, r.reason, r.reporter_id, r.now, {}, {}};
}

Result<std::vector<AbuseReport>> PgAbuseReportStore::list_open(std::optional<int64_t> before_id, size_t limit) {
  auto r = pool_->exec("SELECT id, link_id, code, reason, reporter_id, created_at FROM abuse_reports "
                       "WHERE resolved_at IS NULL AND id < $1 ORDER BY id DESC LIMIT $2",
                       {before_id.value_or(std::numeric_limits<int64_t>::max()), static_cast<int64_t>(limit)});
  if (!r) return r.error();
  std::vector<AbuseReport> out;
  for (int i = 0; i < r->rows(); ++i)
    out.push_back({r->int64(i, 0), r->int64(i, 1), r->text(i, 2), r->text(i, 3), r->optional_int64(i, 4), r->int64(i, 5), {}, {}});
  return out;
}

Result<size_t> PgAbuseReportStore::resolve_for_link(int64_t link_id, std::string_view resolution, int64_t now) {
  auto r = pool_->exec("UPDATE abuse_reports SET resolved_at = $1, resolution = $2 WHERE link_id = $3 AND resolved_at IS NULL",
                       {now, resolution, link_id});
  if (!r) return r.error();
  return static_cast<size_t>(r->affected());
}

}  // namespace shortstack::moderation
