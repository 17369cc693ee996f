// Analytics endpoints: one link's stats, and the caller's leaderboard.
#include <boost/json.hpp>
#include <charconv>

#include "analytics/stats_report.h"
#include "api/api_handler.h"
#include "api/json_body.h"
#include "api/query_params.h"
#include "core/time_format.h"
#include "links/code.h"

namespace shortstack::api {

using http::Exchange;
using http::Response;

namespace {

constexpr int64_t kMaxHourlyPoints = 24 * 31;
constexpr int64_t kMaxDailyPoints = 3660;
constexpr int64_t kDefaultRangeSeconds = 7 * 86400;

// Rounds toward minus infinity: timestamps before 1970 are valid input.
int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Result<int64_t> timestamp_param(std::string_view query, const char* name, int64_t fallback) {
  const std::string_view v = query_param(query, name);
  if (v.empty()) return fallback;
  auto t = parse_rfc3339(v);
  if (!t) return invalid_field(name, "must be an RFC 3339 timestamp such as 2026-11-22T00:00:00Z");
  return *t;
}

// Rollups are hourly, so the range widens to whole hours: `from` rounds down and `to` rounds up.
Result<analytics::StatsRange> read_range(std::string_view query, int64_t now) {
  auto to = timestamp_param(query, "to", now);
  if (!to) return to.error();
  auto from = timestamp_param(query, "from", *to - kDefaultRangeSeconds);
  if (!from) return from.error();
  if (*from >= *to) return invalid_field("from", "must be before 'to'");
  const std::string_view interval = query_param(query, "interval");
  if (!interval.empty() && interval != "hour" && interval != "day")
    return invalid_field("interval", "must be 'hour' or 'day'");
  analytics::StatsRange r{floor_div(*from, 3600), floor_div(*to + 3599, 3600), interval != "hour"};
  const int64_t points = r.daily ? (r.to_hour - r.from_hour + 23) / 24 + 1 : r.to_hour - r.from_hour;
  if (points > (r.daily ? kMaxDailyPoints : kMaxHourlyPoints))
    return invalid_field("to", r.daily ? "the range may cover at most 3660 days" : "hourly stats cover at most 31 days");
  return r;
}

boost::json::array key_counts(const std::vector<analytics::KeyCount>& keys) {
  boost::json::array out;
  for (const auto& k : keys) out.push_back({{"key", k.key}, {"clicks", k.clicks}});
  return out;
}

boost::json::object report_json(std::string_view code, const analytics::StatsReport& r, const analytics::StatsRange& range) {
  boost::json::array series;
  for (const auto& [t, clicks] : r.series) series.push_back({{"t", format_rfc3339(t)}, {"clicks", clicks}});
  boost::json::object o{{"code", code},
                        {"from", format_rfc3339(range.from_hour * 3600)},
                        {"to", format_rfc3339(range.to_hour * 3600)},
                        {"interval", range.daily ? "day" : "hour"},
                        {"clicks", r.clicks},
                        {"bots", r.bots},
                        {"unique_visitors", r.unique_visitors},
                        {"series", std::move(series)}};
  for (const auto& [dim, keys] : r.breakdowns) o[analytics::dimension_name(dim)] = key_counts(keys);
  return o;
}

}  // namespace

Response ApiHandler::link_stats(Exchange& ex, std::string_view code) {
  auto who = require_user(ex);
  if (!who) return error_response(ex, who.error());
  if (!links::is_code_syntax(code)) return http::json_error(404, "not_found", "no link with this code");
  auto range = read_range(ex.request.query, unix_now());
  if (!range) return error_response(ex, range.error());
  // Another owner's link answers exactly like a missing one.
  auto link = deps_.links->get(who->user.id, code);
  if (!link) return error_response(ex, link.error());
  auto rows = deps_.click_store->hours(link->id, range->from_hour, range->to_hour);
  if (!rows) return error_response(ex, rows.error());
  return json_value(200, report_json(link->code, analytics::build_report(*rows, *range), *range));
}

Response ApiHandler::top_links(Exchange& ex) {
  auto who = require_user(ex);
  if (!who) return error_response(ex, who.error());
  const std::string_view window = query_param(ex.request.query, "window");
  int64_t window_hours = 24;
  if (window == "1h") window_hours = 1;
  else if (!window.empty() && window != "24h") return http::json_error(400, "invalid_argument", "window must be 1h or 24h");
  size_t limit = 10;
  if (auto l = query_param(ex.request.query, "limit"); !l.empty()) {
    auto r = std::from_chars(l.data(), l.data() + l.size(), limit);
    if (r.ec != std::errc() || r.ptr != l.data() + l.size() || limit < 1 || limit > 100)
      return http::json_error(400, "invalid_argument", "limit must be an integer from 1 to 100");
  }
  // The hourly rows that overlap the window: "1h" covers the current hour and the one before it.
  const int64_t from_hour = (unix_now() - window_hours * 3600) / 3600;
  // Deleted links drop out after ranking, so ask for a few more than shown.
  auto top = deps_.leaderboard->top(who->user.id, from_hour, limit + 10);
  if (!top) return error_response(ex, top.error());
  std::vector<int64_t> ids;
  for (const auto& t : *top) ids.push_back(t.link_id);
  auto found = deps_.links->by_ids(ids);
  if (!found) return error_response(ex, found.error());
  boost::json::array out;
  for (size_t i = 0; i < top->size() && out.size() < limit; ++i) {
    const auto it = std::find_if(found->begin(), found->end(), [&](const links::Link& l) { return l.id == (*top)[i].link_id; });
    if (it == found->end() || it->deleted || it->owner_id != who->user.id) continue;
    out.push_back({{"code", it->code}, {"short_url", deps_.public_url + "/" + it->code}, {"url", it->url},
                   {"clicks", (*top)[i].clicks}});
  }
  return json_value(200, boost::json::object{{"window", window_hours == 1 ? "1h" : "24h"}, {"links", std::move(out)}});
}

}  // namespace shortstack::api
