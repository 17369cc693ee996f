#include "analytics/pg_click_store.h"

#include <map>
#include <unordered_set>

#include "core/time_format.h"

namespace shortstack::analytics {
namespace {

using store::pg::Clock;
using store::pg::Param;
using store::pg::PgConn;
using store::pg::PgResult;

constexpr int64_t kApplyLock = 7235105;  // pg_advisory_xact_lock key for click rounds
constexpr size_t kChunk = 500;            // rows per statement: 500 × 7 parameters, far under the 65,535 limit
constexpr std::string_view kSeenBefore = "batches_seen_before";

// columns: owner_id, clicks, bots, breakdown, visitors (bytea)
Result<HourRollup> read_rollup(const PgResult& r, int row, int at) {
  HourRollup h;
  h.owner_id = r.int64(row, at);
  h.clicks = r.int64(row, at + 1);
  h.bots = r.int64(row, at + 2);
  auto breakdown = HourRollup::decode_breakdown(r.text(row, at + 3));
  auto visitors = VisitorSketch::decode(r.bytes(row, at + 4));
  if (!breakdown || !visitors) return make_error(500, "corrupt_rollup", "stored click rollup does not decode");
  h.breakdown = std::move(*breakdown);
  h.visitors = std::move(*visitors);
  return h;
}

std::string int_array(const std::vector<int64_t>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "}";
}

// A PostgreSQL array literal of text: every element quoted, so no id can be read as NULL or split.
std::string text_array(const std::vector<std::string_view>& v) {
  std::string s = "{";
  for (size_t i = 0; i < v.size(); ++i) {
    s += i ? ",\"" : "\"";
    for (char ch : v[i]) {
      if (ch == '"' || ch == '\\') s += '\\';
      s += ch;
    }
    s += '"';
  }
  return s + "}";
}

// Records every batch id in one statement (a round can name hundreds, and each round trip costs
// more than the insert); the ids that were there already, if any.
Result<std::vector<std::string>> mark_batches(PgConn& c, const RoundRollups& round, Clock::time_point deadline) {
  std::vector<std::string_view> ids;
  std::vector<int64_t> events;
  for (const auto& b : round.batches) {
    ids.push_back(b.id);
    events.push_back(b.events);
  }
  auto r = c.exec("INSERT INTO click_batches(batch_id, applied_at, events) "
                  "SELECT id, $2, n FROM unnest($1::text[], $3::bigint[]) AS b(id, n) "
                  "ON CONFLICT DO NOTHING RETURNING batch_id",
                  {text_array(ids), unix_now(), int_array(events)}, deadline);
  if (!r) return r.error();
  std::unordered_set<std::string> inserted;
  for (int i = 0; i < r->rows(); ++i) inserted.insert(r->text(i, 0));
  std::vector<std::string> seen;
  for (const auto& b : round.batches)
    if (!inserted.count(b.id)) seen.push_back(b.id);
  return seen;
}

// The stored rows of the link-hours the round touches, merged with the round's rollups.
Result<std::vector<std::pair<LinkHour, HourRollup>>> merged_rows(PgConn& c, const Rollups& rollups,
                                                                 Clock::time_point deadline) {
  std::vector<std::pair<LinkHour, HourRollup>> rows(rollups.begin(), rollups.end());
  std::map<LinkHour, size_t> at;
  for (size_t i = 0; i < rows.size(); ++i) at[rows[i].first] = i;
  for (size_t start = 0; start < rows.size(); start += kChunk) {
    std::vector<int64_t> links, hours;
    for (size_t i = start; i < std::min(rows.size(), start + kChunk); ++i) {
      links.push_back(rows[i].first.link_id);
      hours.push_back(rows[i].first.hour);
    }
    auto found = c.exec("SELECT h.link_id, h.hour, h.owner_id, h.clicks, h.bots, h.breakdown, h.visitors FROM click_hours h "
                        "JOIN unnest($1::bigint[], $2::bigint[]) AS k(link_id, hour) USING (link_id, hour)",
                        {int_array(links), int_array(hours)}, deadline);
    if (!found) return found.error();
    for (int r = 0; r < found->rows(); ++r) {
      auto stored = read_rollup(*found, r, 2);
      if (!stored) return stored.error();
      HourRollup& into = rows[at[{found->int64(r, 0), found->int64(r, 1)}]].second;
      const int64_t owner = into.owner_id;
      into.merge(*stored);
      into.owner_id = owner ? owner : stored->owner_id;
    }
  }
  return rows;
}

Status write_rows(PgConn& c, const std::vector<std::pair<LinkHour, HourRollup>>& rows, Clock::time_point deadline) {
  for (size_t start = 0; start < rows.size(); start += kChunk) {
    std::string sql = "INSERT INTO click_hours(link_id, hour, owner_id, clicks, bots, breakdown, visitors) VALUES ";
    std::vector<Param> params;
    for (size_t i = start; i < std::min(rows.size(), start + kChunk); ++i) {
      const auto& [k, r] = rows[i];
      const size_t n = params.size();
      sql += (i == start ? "(" : ",(");
      for (size_t p = 1; p <= 7; ++p) sql += "$" + std::to_string(n + p) + (p < 7 ? "," : ")");
      params.insert(params.end(), {k.link_id, k.hour, r.owner_id, r.clicks, r.bots, r.encode_breakdown(),
                                   Param::bytes(r.visitors.encode())});
    }
    sql += " ON CONFLICT (link_id, hour) DO UPDATE SET clicks = excluded.clicks, bots = excluded.bots, "
           "breakdown = excluded.breakdown, visitors = excluded.visitors";
    if (auto r = c.exec(sql, params, deadline); !r) return r.error();
  }
  return ok_status();
}

Status add_totals(PgConn& c, const Rollups& rollups, Clock::time_point deadline) {
  std::map<int64_t, std::pair<int64_t, int64_t>> by_link;
  for (const auto& [k, r] : rollups) {
    auto& t = by_link[k.link_id];
    t.first += r.clicks;
    t.second += r.bots;
  }
  std::vector<int64_t> links, clicks, bots;
  for (const auto& [link, t] : by_link) {
    links.push_back(link);
    clicks.push_back(t.first);
    bots.push_back(t.second);
  }
  auto r = c.exec("INSERT INTO link_totals(link_id, clicks, bots) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) "
                  "ON CONFLICT (link_id) DO UPDATE SET clicks = link_totals.clicks + excluded.clicks, "
                  "bots = link_totals.bots + excluded.bots",
                  {int_array(links), int_array(clicks), int_array(bots)}, deadline);
  if (!r) return r.error();
  return ok_status();
}

}  // namespace

Result<RoundApplied> PgClickStore::apply(const RoundRollups& round) {
  std::unordered_set<std::string_view> ids;
  for (const auto& b : round.batches) ids.insert(b.id);
  if (ids.size() != round.batches.size()) return internal_error("a click round names one batch twice");
  RoundApplied outcome;
  auto written = pool_->transaction<Ok>(
      [&](PgConn& c, Clock::time_point deadline) -> Result<Ok> {
        if (auto r = c.exec("SELECT pg_advisory_xact_lock($1)", {kApplyLock}, deadline); !r) return r.error();
        auto seen = mark_batches(c, round, deadline);
        if (!seen) return seen.error();
        outcome.seen_before = std::move(*seen);
        if (!outcome.seen_before.empty()) return make_error(409, std::string(kSeenBefore), "batches applied before");
        auto rows = merged_rows(c, round.rollups, deadline);
        if (!rows) return rows.error();
        if (auto st = write_rows(c, *rows, deadline); !st) return st.error();
        if (auto st = add_totals(c, round.rollups, deadline); !st) return st.error();
        return Ok{};
      },
      std::chrono::seconds(30));  // a round spread over many links writes many rows
  if (!written) {
    if (written.error().code == kSeenBefore) return outcome;
    return written.error();
  }
  outcome.applied = true;
  return outcome;
}

Result<std::vector<HourRow>> PgClickStore::hours(int64_t link_id, int64_t from_hour, int64_t to_hour) {
  auto r = pool_->exec("SELECT hour, owner_id, clicks, bots, breakdown, visitors FROM click_hours "
                       "WHERE link_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour",
                       {link_id, from_hour, to_hour});
  if (!r) return r.error();
  std::vector<HourRow> rows;
  for (int i = 0; i < r->rows(); ++i) {
    auto rollup = read_rollup(*r, i, 1);
    if (!rollup) return rollup.error();
    rows.push_back({link_id, r->int64(i, 0), std::move(*rollup)});
  }
  return rows;
}

Result<std::unordered_map<int64_t, LinkTotals>> PgClickStore::totals(const std::vector<int64_t>& link_ids) {
  std::unordered_map<int64_t, LinkTotals> out;
  if (link_ids.empty()) return out;
  auto r = pool_->exec("SELECT link_id, clicks, bots FROM link_totals WHERE link_id = ANY($1::bigint[])", {int_array(link_ids)});
  if (!r) return r.error();
  for (int i = 0; i < r->rows(); ++i) out[r->int64(i, 0)] = {r->int64(i, 1), r->int64(i, 2)};
  return out;
}

Result<std::vector<TopLink>> PgClickStore::top(int64_t owner_id, int64_t from_hour, size_t limit) {
  auto r = pool_->exec("SELECT link_id, SUM(clicks)::bigint AS n FROM click_hours WHERE owner_id = $1 AND hour >= $2 "
                       "GROUP BY link_id HAVING SUM(clicks) > 0 ORDER BY n DESC, link_id ASC LIMIT $3",
                       {owner_id, from_hour, static_cast<int64_t>(limit)});
  if (!r) return r.error();
  std::vector<TopLink> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back({r->int64(i, 0), r->int64(i, 1)});
  return out;
}

Result<size_t> PgClickStore::forget_batches_before(int64_t before_unix) {
  auto r = pool_->exec("DELETE FROM click_batches WHERE applied_at < $1", {before_unix});
  if (!r) return r.error();
  return static_cast<size_t>(r->affected());
}

}  // namespace shortstack::analytics
