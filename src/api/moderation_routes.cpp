// Abuse reports from anyone, and the administrators' endpoints that act on them: list reports,
// quarantine or disable a link, suspend its owner.
#include <boost/json.hpp>
#include <charconv>

#include "api/api_handler.h"
#include "api/json_body.h"
#include "api/query_params.h"
#include "core/time_format.h"
#include "links/code.h"
#include "log/log.h"

namespace shortstack::api {

using http::Exchange;
using http::Response;

namespace {

constexpr size_t kMaxReasonBytes = 2000;

// JSON that an HTML sniffer cannot mistake for markup: report text is attacker-controlled, so '<',
// '>' and '&' go out as \u escapes (still the same JSON string to any parser).
Response inert_json(int status, const boost::json::value& v) {
  const std::string raw = boost::json::serialize(v);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return http::json_response(status, std::move(out));
}

boost::json::object report_json(const moderation::AbuseReport& r, std::optional<int64_t> owner_id) {
  boost::json::object o{{"id", r.id}, {"code", r.code}, {"reason", r.reason}, {"created_at", format_rfc3339(r.created_at)}};
  if (owner_id) o["owner_id"] = *owner_id;
  else o["owner_id"] = nullptr;
  if (r.reporter_id) o["reporter_id"] = *r.reporter_id;
  else o["reporter_id"] = nullptr;
  return o;
}

// "disable" → the moderation it sets and the resolution it records on the link's reports.
std::optional<std::pair<std::string_view, std::string_view>> link_action(std::string_view action) {
  if (action == "quarantine") return std::pair{links::kQuarantined, std::string_view("quarantined")};
  if (action == "disable") return std::pair{links::kModeratedOff, std::string_view("disabled")};
  if (action == "restore") return std::pair{std::string_view(""), std::string_view("dismissed")};
  return std::nullopt;
}

std::optional<int64_t> positive_id(std::string_view s) {
  int64_t id = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), id);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

// Anyone may report, signed in or not; the limit is per address. Reports about links that do not
// exist are refused, so the queue holds only what an administrator can act on.
Response ApiHandler::file_abuse_report(Exchange& ex) {
  if (ex.request.method != http::Method::Post)
    return http::json_error(405, "method_not_allowed", "allowed: POST").header("Allow", "POST");
  const double per_hour = deps_.limits.abuse_reports_per_hour_per_ip;
  if (auto limited = throttle("abuse:ip:" + std::string(ex.remote_ip), {per_hour / 3600.0, std::max(1.0, per_hour)}))
    return *limited;
  std::optional<int64_t> reporter;
  if (!ex.request.authorization.empty() || !ex.request.cookie.empty()) {
    auto who = deps_.auth->authenticate(ex.request.authorization, ex.request.cookie, unix_now());
    if (who && who->has_value()) reporter = (*who)->user.id;
  }
  auto body = JsonBody::parse(ex.request.body);
  if (!body) return error_response(ex, body.error());
  if (auto st = body->only({"code", "reason"}); !st) return error_response(ex, st.error());
  auto code = body->required_string("code");
  if (!code) return error_response(ex, code.error());
  auto reason = body->required_string("reason");
  if (!reason) return error_response(ex, reason.error());
  if (reason->empty() || reason->size() > kMaxReasonBytes)
    return error_response(ex, invalid_field("reason", "a text of 1 to 2000 bytes"));
  if (!links::is_code_syntax(*code)) return http::json_error(404, "not_found", "no link has this code");
  auto link = deps_.links->find_any(*code);
  if (!link) return error_response(ex, link.error());
  auto filed = deps_.abuse_reports->file({link->id, link->code, std::move(*reason), reporter, unix_now()});
  if (!filed) return error_response(ex, filed.error());
  log::info("abuse_report_filed", {{"report_id", filed->id}, {"code", filed->code}});
  return inert_json(202, {{"id", filed->id}, {"status", "received"}});
}

Response ApiHandler::admin(Exchange& ex, std::string_view rest) {
  auto who = require_user(ex);
  if (!who) return error_response(ex, who.error());
  if (!who->admin()) return http::json_error(403, "forbidden", "administrators only");
  if (rest == "abuse-reports") {
    if (ex.request.method != http::Method::Get)
      return http::json_error(405, "method_not_allowed", "allowed: GET").header("Allow", "GET");
    return admin_reports(ex);
  }
  // links/{code}/{action} and users/{id}/{action}
  const size_t first = rest.find('/');
  const size_t second = first == std::string_view::npos ? first : rest.find('/', first + 1);
  if (second != std::string_view::npos && rest.find('/', second + 1) == std::string_view::npos) {
    const std::string_view kind = rest.substr(0, first);
    const std::string_view target = rest.substr(first + 1, second - first - 1);
    const std::string_view action = rest.substr(second + 1);
    if (ex.request.method != http::Method::Post)
      return http::json_error(405, "method_not_allowed", "allowed: POST").header("Allow", "POST");
    if (kind == "links") return admin_link(ex, *who, target, action);
    if (kind == "users") return admin_user(ex, *who, target, action);
  }
  return http::json_error(404, "not_found", "no such endpoint");
}

Response ApiHandler::admin_reports(Exchange& ex) {
  size_t limit = 50;
  if (auto l = query_param(ex.request.query, "limit"); !l.empty()) {
    auto r = std::from_chars(l.data(), l.data() + l.size(), limit);
    if (r.ec != std::errc() || r.ptr != l.data() + l.size() || limit < 1 || limit > 200)
      return http::json_error(400, "invalid_argument", "limit must be an integer from 1 to 200");
  }
  std::optional<int64_t> before;
  if (auto b = query_param(ex.request.query, "before"); !b.empty()) {
    before = positive_id(b);
    if (!before) return http::json_error(400, "invalid_argument", "before must be a report id");
  }
  auto reports = deps_.abuse_reports->list_open(before, limit);
  if (!reports) return error_response(ex, reports.error());
  std::vector<int64_t> link_ids;
  for (const auto& r : *reports) link_ids.push_back(r.link_id);
  auto links = deps_.links->by_ids(link_ids);
  if (!links) return error_response(ex, links.error());
  std::unordered_map<int64_t, int64_t> owner_of;
  for (const auto& l : *links) owner_of[l.id] = l.owner_id;
  boost::json::array arr;
  for (const auto& r : *reports) {
    auto owner = owner_of.find(r.link_id);
    arr.push_back(report_json(r, owner == owner_of.end() ? std::nullopt : std::optional<int64_t>(owner->second)));
  }
  boost::json::object o{{"reports", std::move(arr)}};
  if (reports->size() == limit) o["next_before"] = reports->back().id;
  else o["next_before"] = nullptr;
  return inert_json(200, o);
}

Response ApiHandler::admin_link(Exchange& ex, const accounts::Principal& admin, std::string_view code,
                                std::string_view action) {
  const auto what = link_action(action);
  if (!what) return http::json_error(404, "not_found", "actions on a link: quarantine, disable, restore");
  if (!links::is_code_syntax(code)) return http::json_error(404, "not_found", "no link has this code");
  const int64_t now = unix_now();
  auto link = deps_.links->moderate(code, what->first, now);
  if (!link) return error_response(ex, link.error());
  auto resolved = deps_.abuse_reports->resolve_for_link(link->id, what->second, now);
  if (!resolved) return error_response(ex, resolved.error());
  log::info("admin_action", {{"admin_id", admin.user.id}, {"action", std::string(action)}, {"code", link->code},
                             {"owner_id", link->owner_id}, {"reports_resolved", static_cast<int64_t>(*resolved)}});
  boost::json::object o{{"code", link->code},
                        {"owner_id", link->owner_id},
                        {"moderation", link->moderation.empty() ? boost::json::value(nullptr) : boost::json::value(link->moderation)},
                        {"reports_resolved", static_cast<int64_t>(*resolved)}};
  return json_value(200, o);
}

Response ApiHandler::admin_user(Exchange& ex, const accounts::Principal& admin, std::string_view id,
                                std::string_view action) {
  if (action != "suspend" && action != "unsuspend")
    return http::json_error(404, "not_found", "actions on a user: suspend, unsuspend");
  const auto user_id = positive_id(id);
  if (!user_id) return http::json_error(404, "not_found", "no such user");
  if (*user_id == admin.user.id) return http::json_error(409, "conflict", "administrators cannot suspend themselves");
  if (auto st = deps_.auth->set_suspended(*user_id, action == "suspend"); !st) return error_response(ex, st.error());
  log::info("admin_action", {{"admin_id", admin.user.id}, {"action", std::string(action)}, {"user_id", *user_id}});
  return json_value(200, {{"id", *user_id}, {"suspended", action == "suspend"}});
}

}  // namespace shortstack::api
