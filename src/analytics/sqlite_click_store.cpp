#include "analytics/sqlite_click_store.h"

#include "core/time_format.h"

namespace shortstack::analytics {
namespace {

using store::SqliteConn;
using store::Stmt;

// A link's hours are one integer key: link id in the high bits, hours since 2020 in the low 20 bits
// (119 years). Rows of one link are then adjacent, a range scan reads them in order, and the table is a
// plain rowid B-tree — no second index to update per round, and rows with a full visitor sketch
// (~1.1 KiB) stay on their leaf page instead of spilling to overflow pages as they would in a
// WITHOUT ROWID table.
constexpr int64_t kHourBits = 20;
constexpr int64_t kFirstHour = 438'288;  // 2020-01-01T00:00:00Z / 3600

Result<int64_t> slot_of(int64_t link_id, int64_t hour) {
  const int64_t offset = hour - kFirstHour;
  if (offset < 0 || offset >= (int64_t{1} << kHourBits) || link_id <= 0 || link_id >= (int64_t{1} << 42))
    return make_error(400, "bad_click_hour", "click hour or link id out of range");
  return (link_id << kHourBits) | offset;
}

Result<HourRollup> read_rollup(const Stmt& s, int first_col) {
  HourRollup r;
  r.owner_id = s.int64(first_col);
  r.clicks = s.int64(first_col + 1);
  r.bots = s.int64(first_col + 2);
  auto breakdown = HourRollup::decode_breakdown(s.text(first_col + 3));
  auto visitors = VisitorSketch::decode(s.blob(first_col + 4));
  if (!breakdown || !visitors) return make_error(500, "corrupt_rollup", "stored click rollup does not decode");
  r.breakdown = std::move(*breakdown);
  r.visitors = std::move(*visitors);
  return r;
}

// SQL functions for the upsert below, so that adding to a row is one statement and one B-tree
// descent: the stored breakdown or sketch and the round's are merged inside SQLite.
void merge_breakdown_sql(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto text = [](sqlite3_value* v) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
    return std::string_view(p ? p : "", static_cast<size_t>(sqlite3_value_bytes(v)));
  };
  auto stored = HourRollup::decode_breakdown(text(argv[0]));
  auto added = HourRollup::decode_breakdown(text(argv[1]));
  if (!stored || !added) return sqlite3_result_error(ctx, "corrupt click breakdown", -1);
  HourRollup r;
  r.breakdown = std::move(*stored);
  for (const BreakdownEntry& e : *added) r.add_to(e.dimension, e.key, e.clicks);
  const std::string out = r.encode_breakdown();
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

void merge_visitors_sql(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto bytes = [](sqlite3_value* v) {
    const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
    return std::string_view(p ? p : "", static_cast<size_t>(sqlite3_value_bytes(v)));
  };
  auto stored = VisitorSketch::decode(bytes(argv[0]));
  auto added = VisitorSketch::decode(bytes(argv[1]));
  if (!stored || !added) return sqlite3_result_error(ctx, "corrupt visitor sketch", -1);
  stored->merge(*added);
  const std::string out = stored->encode();
  sqlite3_result_blob(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

Status register_merge_functions(SqliteConn& c) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  if (sqlite3_create_function_v2(c.raw(), "ss_merge_breakdown", 2, flags, nullptr, merge_breakdown_sql, nullptr,
                                 nullptr, nullptr) != SQLITE_OK ||
      sqlite3_create_function_v2(c.raw(), "ss_merge_visitors", 2, flags, nullptr, merge_visitors_sql, nullptr,
                                 nullptr, nullptr) != SQLITE_OK)
    return c.last_error();
  return ok_status();
}

// Adds `delta` to the stored row, or creates it.
Status add_to_hour(SqliteConn& c, const LinkHour& at, const HourRollup& delta) {
  auto slot = slot_of(at.link_id, at.hour);
  if (!slot) return slot.error();
  SHORTSTACK_PREPARE(w, c,
                     "INSERT INTO click_hours(slot, link_id, hour, owner_id, clicks, bots, breakdown, visitors) "
                     "VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(slot) DO UPDATE SET "
                     "clicks = clicks + excluded.clicks, bots = bots + excluded.bots, "
                     "breakdown = ss_merge_breakdown(breakdown, excluded.breakdown), "
                     "visitors = ss_merge_visitors(visitors, excluded.visitors)");
  w.bind(1, *slot).bind(2, at.link_id).bind(3, at.hour).bind(4, delta.owner_id).bind(5, delta.clicks);
  w.bind(6, delta.bots).bind(7, delta.encode_breakdown()).bind_blob(8, delta.visitors.encode());
  return w.run();
}

Status add_to_totals(SqliteConn& c, int64_t link_id, const LinkTotals& t) {
  SHORTSTACK_PREPARE(w, c,
                     "INSERT INTO link_totals(link_id, clicks, bots) VALUES(?, ?, ?) ON CONFLICT(link_id) DO UPDATE "
                     "SET clicks = clicks + excluded.clicks, bots = bots + excluded.bots");
  w.bind(1, link_id).bind(2, t.clicks).bind(3, t.bots);
  return w.run();
}

// Records the batch id; false when it was applied before.
Result<bool> mark_new(SqliteConn& c, const BatchRollups& b) {
  SHORTSTACK_PREPARE(mark, c,
                     "INSERT INTO click_batches(batch_id, applied_at, events) VALUES(?, ?, ?) ON CONFLICT DO NOTHING");
  mark.bind(1, b.batch_id).bind(2, unix_now()).bind(3, b.events);
  if (auto st = mark.run(); !st) return st.error();
  return sqlite3_changes(c.raw()) > 0;
}

}  // namespace

Result<size_t> SqliteClickStore::apply(const std::vector<BatchRollups>& batches) {
  return db_->write<size_t>([&batches](SqliteConn& c) -> Result<size_t> {
    // Per connection, and cheap: registering on every round needs no state to say it was done.
    if (auto st = register_merge_functions(c); !st) return st.error();
    // Merge the new batches first, so a link-hour clicked in many batches costs one row write.
    Rollups merged;
    size_t applied = 0;
    for (const BatchRollups& b : batches) {
      auto fresh = mark_new(c, b);
      if (!fresh) return fresh.error();
      if (!*fresh) continue;
      ++applied;
      for (const auto& [at, rollup] : b.rollups) merged[at].merge(rollup);
    }
    std::unordered_map<int64_t, LinkTotals> totals;
    for (const auto& [at, rollup] : merged) {
      if (auto st = add_to_hour(c, at, rollup); !st) return st.error();
      LinkTotals& t = totals[at.link_id];
      t.clicks += rollup.clicks;
      t.bots += rollup.bots;
    }
    for (const auto& [link_id, t] : totals)
      if (auto st = add_to_totals(c, link_id, t); !st) return st.error();
    return applied;
  });
}

Result<std::vector<HourRow>> SqliteClickStore::hours(int64_t link_id, int64_t from_hour, int64_t to_hour) {
  return db_->read([&](SqliteConn& c) -> Result<std::vector<HourRow>> {
    SHORTSTACK_PREPARE(q, c,
                       "SELECT hour, owner_id, clicks, bots, breakdown, visitors FROM click_hours "
                       "WHERE link_id = ? AND hour >= ? AND hour < ? AND slot BETWEEN ? AND ? ORDER BY slot");
    // The slot bounds make this a range scan of the primary key; the plain columns keep it correct.
    q.bind(1, link_id).bind(2, from_hour).bind(3, to_hour);
    q.bind(4, link_id << kHourBits).bind(5, (link_id << kHourBits) | ((int64_t{1} << kHourBits) - 1));
    std::vector<HourRow> rows;
    while (q.step()) {
      auto r = read_rollup(q, 1);
      if (!r) return r.error();
      rows.push_back({link_id, q.int64(0), std::move(*r)});
    }
    if (q.failed()) return q.error();
    return rows;
  });
}

Result<std::unordered_map<int64_t, LinkTotals>> SqliteClickStore::totals(const std::vector<int64_t>& link_ids) {
  return db_->read([&](SqliteConn& c) -> Result<std::unordered_map<int64_t, LinkTotals>> {
    SHORTSTACK_PREPARE(q, c, "SELECT clicks, bots FROM link_totals WHERE link_id = ?");
    std::unordered_map<int64_t, LinkTotals> out;
    for (int64_t id : link_ids) {
      q.bind(1, id);
      if (q.step()) out[id] = {q.int64(0), q.int64(1)};
      else if (q.failed()) return q.error();
      q.reset();
    }
    return out;
  });
}

Result<std::vector<TopLink>> SqliteClickStore::top(int64_t owner_id, int64_t from_hour, size_t limit) {
  return db_->read([&](SqliteConn& c) -> Result<std::vector<TopLink>> {
    SHORTSTACK_PREPARE(q, c,
                       "SELECT link_id, SUM(clicks) AS n FROM click_hours WHERE owner_id = ? AND hour >= ? "
                       "GROUP BY link_id HAVING n > 0 ORDER BY n DESC, link_id ASC LIMIT ?");
    q.bind(1, owner_id).bind(2, from_hour).bind(3, static_cast<int64_t>(limit));
    std::vector<TopLink> out;
    while (q.step()) out.push_back({q.int64(0), q.int64(1)});
    if (q.failed()) return q.error();
    return out;
  });
}

Result<size_t> SqliteClickStore::forget_batches_before(int64_t before_unix) {
  return db_->write<size_t>([&](SqliteConn& c) -> Result<size_t> {
    SHORTSTACK_PREPARE(d, c, "DELETE FROM click_batches WHERE applied_at < ?");
    d.bind(1, before_unix);
    if (auto st = d.run(); !st) return st.error();
    return static_cast<size_t>(sqlite3_changes(c.raw()));
  });
}

}  // namespace shortstack::analytics
