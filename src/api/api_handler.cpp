#include "api/api_handler.h"

#include <boost/json/serialize.hpp>

#include "api/json_body.h"
#include "api/query_params.h"
#include "core/crypto.h"
#include "core/time_format.h"
#include "http/event_loop.h"
#include "links/code.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::api {

using http::Exchange;
using http::Response;

namespace {

std::string_view single_segment(std::string_view path) {
  if (path.size() < 2 || path.front() != '/') return {};
  path.remove_prefix(1);
  return path.find('/') == std::string_view::npos ? path : std::string_view{};
}

bool wants_html(const http::Request& req) { return req.accept.find("text/html") != std::string_view::npos; }

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

const char* kHomePage =
    "<!doctype html><meta charset=utf-8><title>shortstack</title>"
    "<h1>shortstack</h1><p>A link shortener. The API lives under <code>/api/v1</code>.</p>\n";

}  // namespace

ratelimit::Limit per_minute(double n) { return {n / 60.0, std::max(1.0, n)}; }

bool is_mutation(const http::Request& req) {
  return req.method != http::Method::Get && req.method != http::Method::Head &&
         req.method != http::Method::Options;
}

Response json_value(int status, const boost::json::value& v) {
  return http::json_response(status, boost::json::serialize(v));
}

Response error_response(const Exchange& ex, const Error& e) {
  if (e.http_status >= 500) {
    // The detail goes to the log, tied to the request id; the client gets the id, never internals.
    log::error("request_failed", {{"request_id", ex.request_id},
                                  {"traceparent", ex.request.traceparent},
                                  {"code", e.code},
                                  {"error", e.message}});
    return http::json_error(e.http_status, e.code == "internal" ? "internal" : e.code,
                            "internal error; request id " + ex.request_id);
  }
  return http::json_error(e.http_status, e.code, e.message);
}

ApiHandler::ApiHandler(ApiDeps deps) : deps_(std::move(deps)), instance_prefix_(hex(random_bytes(4))) {}

std::string ApiHandler::next_request_id() {
  return instance_prefix_ + "-" + std::to_string(request_seq_.fetch_add(1, std::memory_order_relaxed));
}

bool ApiHandler::try_inline(Exchange& ex, const http::RenderContext& ctx, std::string& out) {
  const http::Request& req = ex.request;
  if (req.method != http::Method::Get && req.method != http::Method::Head) return false;
  const std::string_view code = single_segment(req.path);
  if (code.empty() || !links::is_code_syntax(code)) return false;
  http::EventLoop* loop = http::EventLoop::current();
  const auto answer = deps_.resolver->render_cached(code, loop->now(), loop->unix_now(), ctx.date_line,
                                                    ctx.keep_alive, req.head(), wants_html(req), out);
  if (!answer) return false;
  ex.route = metrics::kRedirect;
  ex.status = answer->status;
  // HEAD is never a click: link checkers and preview fetchers use it.
  if (!req.head()) {
    ex.click_link_id = answer->link_id;
    ex.click_owner_id = answer->owner_id;
  }
  return true;
}

Response ApiHandler::handle(Exchange& ex) {
  ex.request_id = valid_request_id(ex.request.request_id) ? std::string(ex.request.request_id) : next_request_id();
  Response r;
  try {
    r = route(ex);
  } catch (const std::exception& e) {
    r = error_response(ex, internal_error(e.what()));
  }
  if (r.prerendered_head.empty()) r.header("X-Request-Id", ex.request_id);
  return r;
}

Response ApiHandler::route(Exchange& ex) {
  const http::Request& req = ex.request;
  constexpr std::string_view kApi = "/api/v1/";
  if (req.path.substr(0, kApi.size()) == kApi) return api(ex, req.path.substr(kApi.size()));
  if (req.path.substr(0, 5) == "/api/" || req.path == "/api") {
    ex.route = metrics::kOther;
    return http::json_error(404, "not_found", "no such endpoint; the API is under /api/v1/");
  }
  const bool read = req.method == http::Method::Get || req.method == http::Method::Head;
  if (req.path == "/") {
    ex.route = metrics::kOther;
    if (!read) return http::json_error(405, "method_not_allowed", "use GET").header("Allow", "GET, HEAD");
    Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = kHomePage;
    r.header("Content-Security-Policy", "default-src 'none'").header("Referrer-Policy", "no-referrer");
    return r;
  }
  const std::string_view code = single_segment(req.path);
  if (!code.empty() && links::is_code_syntax(code)) {
    ex.route = metrics::kRedirect;
    if (req.method == http::Method::Post) return unlock_link(ex, code);
    if (!read) return http::json_error(405, "method_not_allowed", "use GET").header("Allow", "GET, HEAD, POST");
    return redirect_miss(ex, code);
  }
  ex.route = metrics::kOther;
  return http::json_error(404, "not_found", "no link has this code");
}

namespace {

// A response rendered by the redirect code, split back into head and body so the loop can add Date
// and Connection.
Response from_rendered(int status, const std::string& out) {
  Response r;
  r.status = status;
  const size_t blank = out.find("\r\n\r\n");
  r.prerendered_head = out.substr(0, blank + 2);
  r.body = out.substr(blank + 4);
  return r;
}

Response from_entry(const links::RedirectEntry& entry, int64_t now, bool wants_html) {
  std::string out;
  const int status = links::render_entry(entry, now, "", true, false, wants_html, out);
  return from_rendered(status, out);
}

}  // namespace

Response ApiHandler::redirect_miss(Exchange& ex, std::string_view code) {
  auto entry = deps_.resolver->load(code);
  if (!entry) return error_response(ex, entry.error());
  const int64_t now = unix_now();
  Response r = from_entry(*entry, now, wants_html(ex.request));
  if (links::live_at(*entry, now) && !ex.request.head()) {
    ex.click_link_id = entry->link_id;
    ex.click_owner_id = entry->owner_id;
  }
  return r;
}

Response ApiHandler::unlock_link(Exchange& ex, std::string_view code) {
  const http::Request& req = ex.request;
  // Guessing is limited per link (a targeted attack) and per address (a spray over many links).
  if (auto limited = throttle("unlock:link:" + std::string(code), per_minute(deps_.limits.unlock_per_minute_per_link)))
    return *limited;
  if (auto limited = throttle("unlock:ip:" + std::string(ex.remote_ip), per_minute(deps_.limits.unlock_per_minute_per_ip)))
    return *limited;
  const bool json = req.content_type.substr(0, 16) == "application/json";
  std::optional<std::string> password;
  if (json) {
    auto body = JsonBody::parse(req.body);
    if (!body) return error_response(ex, body.error());
    auto p = body->required_string("password");
    if (!p) return error_response(ex, p.error());
    password = std::move(*p);
  } else if (req.content_type.substr(0, 33) == "application/x-www-form-urlencoded") {
    password = form_field(req.body, "password");
    if (!password) return http::json_error(400, "invalid_argument", "password is required");
  } else {
    return http::json_error(415, "unsupported_media_type", "send the password as a form or as JSON");
  }
  const int64_t now = unix_now();
  auto link = deps_.links->unlock(code, *password, now);
  if (!link) {
    if (link.error().code != "wrong_password" || json) return error_response(ex, link.error());
    std::string out;
    const int status = links::render_password_form(true, "", true, false, out);
    return from_rendered(status, out);
  }
  // The right password: redirect exactly as an unprotected link would, and count the click.
  links::Link open = std::move(*link);
  open.password_hash.clear();
  const links::RedirectEntry entry = links::make_redirect_entry(open);
  if (links::live_at(entry, now)) {  // not when quarantined: the warning page is no click
    ex.click_link_id = open.id;
    ex.click_owner_id = open.owner_id;
  }
  return from_entry(entry, now, wants_html(req));
}

Response ApiHandler::api(Exchange& ex, std::string_view rest) {
  const auto method = ex.request.method;
  auto wrong_method = [](const char* allow) {
    return http::json_error(405, "method_not_allowed", std::string("allowed: ") + allow).header("Allow", allow);
  };
  const size_t slash = rest.find('/');
  const std::string_view head = rest.substr(0, slash);
  const std::string_view tail = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  const bool has_tail = slash != std::string_view::npos;
  const std::string_view type = ex.request.content_type;
  if (!ex.request.body.empty() && !type.empty() && type.substr(0, 16) != "application/json") {
    ex.route = metrics::kOther;
    return http::json_error(415, "unsupported_media_type", "send JSON with Content-Type: application/json");
  }

  if (head == "auth") {
    ex.route = metrics::kApiAuth;
    if (method != http::Method::Post) return wrong_method("POST");
    if (tail == "signup") return signup(ex);
    if (tail == "login") return login(ex);
    if (tail == "logout") return logout(ex);
  } else if (head == "me" && !has_tail) {
    ex.route = metrics::kApiMe;
    if (method != http::Method::Get) return wrong_method("GET");
    return me(ex);
  } else if (head == "keys" && tail.find('/') == std::string_view::npos) {
    ex.route = metrics::kApiKeys;
    return keys(ex, tail);
  } else if (head == "links" && tail.find('/') == std::string_view::npos) {
    ex.route = metrics::kApiLinks;
    if (!has_tail) return links_collection(ex);
    return link_item(ex, tail);
  } else if (head == "links" && tail.size() > 6 && tail.substr(tail.size() - 6) == "/stats" &&
             tail.find('/') == tail.size() - 6) {
    ex.route = metrics::kApiStats;
    if (method != http::Method::Get) return wrong_method("GET");
    return link_stats(ex, tail.substr(0, tail.size() - 6));
  } else if (head == "abuse-reports" && !has_tail) {
    ex.route = metrics::kApiModeration;
    return file_abuse_report(ex);
  } else if (head == "admin" && has_tail) {
    ex.route = metrics::kApiModeration;
    return admin(ex, tail);
  } else if (head == "stats" && tail == "top") {
    ex.route = metrics::kApiStats;
    if (method != http::Method::Get) return wrong_method("GET");
    return top_links(ex);
  }
  ex.route = metrics::kOther;
  return http::json_error(404, "not_found", "no such endpoint");
}

Result<accounts::Principal> ApiHandler::require_user(const Exchange& ex) {
  const http::Request& req = ex.request;
  auto who = deps_.auth->authenticate(req.authorization, req.cookie, unix_now());
  if (!who) return who.error();
  if (!who->has_value()) return make_error(401, "unauthorized", "authentication required: log in or send an API key");
  accounts::Principal p = std::move(**who);
  if (p.via_session && is_mutation(req) &&
      !constant_time_equal(req.csrf_token, accounts::AuthService::csrf_token_for(p.session_token)))
    return make_error(403, "csrf_failed", "cookie-authenticated changes need the X-CSRF-Token header from /api/v1/me");
  return p;
}

std::optional<Response> ApiHandler::throttle(const std::string& key, const ratelimit::Limit& limit) {
  return refusal(deps_.limiter->acquire(key, limit));
}

std::optional<Response> ApiHandler::refusal(const Result<ratelimit::Decision>& d) {
  if (!d) {
    // Fail closed: a limiter we cannot consult must not become an open door.
    return http::json_error(503, "unavailable", "rate limiter unavailable; try again shortly");
  }
  if (d->allowed) return std::nullopt;
  const auto seconds = std::max<int64_t>(1, (d->retry_after.count() + 999) / 1000);
  return http::json_error(429, "rate_limited", "too many requests; retry later")
      .header("Retry-After", std::to_string(seconds));
}

void ApiHandler::finished(const Exchange& ex, std::chrono::nanoseconds elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  metrics::registry().observe_request(ex.route, ex.status, seconds);
  if (ex.click_link_id != 0 && deps_.clicks) {
    const http::Request& r = ex.request;
    std::string_view country = deps_.country_header.empty() ? std::string_view() : r.header(deps_.country_header);
    std::array<char, 2> looked_up{};
    if (country.empty() && deps_.geoip) country = deps_.geoip->country_of(ex.remote_ip, looked_up);
    http::EventLoop* loop = http::EventLoop::current();
    deps_.clicks->record(static_cast<size_t>(loop->index()),
                         {ex.click_link_id, ex.click_owner_id, ex.remote_ip, r.user_agent, r.referer, country},
                         loop->unix_now());
  }
  if (deps_.access_log) {
    const http::Request& r = ex.request;
    // Inline answers get their id only here, so the hot path pays for ids only when they are logged.
    const std::string id = !ex.request_id.empty()          ? ex.request_id
                           : valid_request_id(r.request_id) ? std::string(r.request_id)
                                                            : next_request_id();
    // Path only: query strings can carry tokens. Headers are never logged wholesale.
    log::info("access", {{"method", r.method_text},
                         {"path", r.path},
                         {"status", ex.status},
                         {"duration_us", static_cast<int64_t>(seconds * 1e6)},
                         {"request_id", id},
                         {"traceparent", r.traceparent},
                         {"remote", ex.remote_ip}});
  }
}

}  // namespace shortstack::api
