#pragma once
// The SQL side of the SQLite ClickStore: the row key, reading a row back into a rollup, and the
// functions that merge breakdowns and visitor sketches inside SQLite (scalar for upserts, aggregate
// for compaction's GROUP BY).
#include <cstdint>

#include "analytics/hour_rollup.h"
#include "store/sqlite_conn.h"

namespace shortstack::analytics {

// click_hours (the archive) keys a link-hour link-major: link id in the high bits, hours since
// 2020 in the low 20 bits (119 years), so a link's rows are adjacent in the rowid B-tree.
inline constexpr int64_t kSlotHourBits = 20;
Result<int64_t> slot_of(int64_t link_id, int64_t hour);
inline int64_t first_slot_of(int64_t link_id) { return link_id << kSlotHourBits; }
inline int64_t last_slot_of(int64_t link_id) { return (link_id << kSlotHourBits) | ((int64_t{1} << kSlotHourBits) - 1); }

// click_hours_recent keys it hour-major: hours since 2020 above 42 bits of link id, so an hour's
// rows are adjacent and each new hour starts at the end of the table.
inline constexpr int64_t kRecentLinkBits = 42;
Result<int64_t> recent_slot_of(int64_t link_id, int64_t hour);
int64_t first_recent_slot_of_hour(int64_t hour);  // the hour must be in range (see recent_slot_of)
int64_t hour_of_recent_slot(int64_t slot);

// Columns first_col.. are owner_id, clicks, bots, breakdown, visitors.
Result<HourRollup> read_rollup(const store::Stmt& s, int first_col);

// ss_merge_breakdown(a, b), ss_merge_visitors(a, b), ss_slot(link, hour), ss_recent_slot(link,
// hour), and the aggregates ss_sum_breakdown(x), ss_union_visitors(x). Per connection; cheap
// enough to call before each use. The slot functions are the C++ ones above, so SQL and C++ never
// disagree on a key.
Status register_rollup_functions(store::SqliteConn& c);

}  // namespace shortstack::analytics
