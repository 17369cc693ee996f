#include "moderation/sqlite_abuse_report_store.h"

#include <limits>

namespace shortstack::moderation {

using store::SqliteConn;

Result<AbuseReport> SqliteAbuseReportStore::file(const NewAbuseReport& r) {
  return db_->write<AbuseReport>([&](SqliteConn& c) -> Result<AbuseReport> {
    SHORTSTACK_PREPARE(ins, c, "INSERT INTO abuse_reports(link_id, code, reason, reporter_id, created_at) VALUES(?, ?, ?, ?, ?)");
    ins.bind(1, r.link_id).bind(2, r.code).bind(3, r.reason).bind_optional(4, r.reporter_id).bind(5, r.now);
    if (auto st = ins.run(); !st) return st.error();
    return AbuseReport{sqlite3_last_insert_rowid(c.raw()), r.link_id, r.code, r.reason, r.reporter_id, r.now, {}, {}};
  });
}

Result<std::vector<AbuseReport>> SqliteAbuseReportStore::list_open(std::optional<int64_t> before_id, size_t limit) {
  return db_->read([&](SqliteConn& c) -> Result<std::vector<AbuseReport>> {
    SHORTSTACK_PREPARE(q, c,
                       "SELECT id, link_id, code, reason, reporter_id, created_at FROM abuse_reports "
                       "WHERE resolved_at IS NULL AND id < ? ORDER BY id DESC LIMIT ?");
    q.bind(1, before_id.value_or(std::numeric_limits<int64_t>::max())).bind(2, static_cast<int64_t>(limit));
    std::vector<AbuseReport> out;
    while (q.step())
      out.push_back({q.int64(0), q.int64(1), q.text(2), q.text(3), q.optional_int64(4), q.int64(5), {}, {}});
    if (q.failed()) return q.error();
    return out;
  });
}

Result<size_t> SqliteAbuseReportStore::resolve_for_link(int64_t link_id, std::string_view resolution, int64_t now) {
  return db_->write<size_t>([&](SqliteConn& c) -> Result<size_t> {
    SHORTSTACK_PREPARE(u, c, "UPDATE abuse_reports SET resolved_at = ?, resolution = ? WHERE link_id = ? AND resolved_at IS NULL");
    u.bind(1, now).bind(2, resolution).bind(3, link_id);
    if (auto st = u.run(); !st) return st.error();
    return static_cast<size_t>(sqlite3_changes(c.raw()));
  });
}

}  // namespace shortstack::moderation
