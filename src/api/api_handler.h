#pragma once
// The public listener's handler: the redirect hot path inline on the event loop, everything else
// (the JSON API, L1 misses) on the blocking pool.
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "accounts/auth_service.h"
#include "analytics/click_store.h"
#include "analytics/leaderboard.h"
#include "analytics/geoip.h"
#include "clicks/click_recorder.h"
#include "config/config.h"
#include "http/handler.h"
#include "links/link_resolver.h"
#include "links/link_service.h"
#include "moderation/abuse_report_store.h"
#include "ratelimit/rate_limiter.h"

namespace shortstack::api {

struct ApiDeps {
  std::shared_ptr<accounts::AuthService> auth;
  std::shared_ptr<links::LinkService> links;
  std::shared_ptr<links::LinkResolver> resolver;
  std::shared_ptr<clicks::ClickRecorder> clicks;  // null: redirects are not counted (clicks.record = false)
  std::shared_ptr<analytics::ClickStore> click_store;
  std::shared_ptr<analytics::Leaderboard> leaderboard;  // GET /api/v1/stats/top
  std::string country_header;  // clicks.country_header
  std::shared_ptr<const analytics::GeoIp> geoip;  // clicks.geoip_db; null when not configured
  std::shared_ptr<ratelimit::RateLimiter> limiter;
  std::shared_ptr<moderation::AbuseReportStore> abuse_reports;
  std::string public_url;
  bool access_log = false;
  bool anonymous_create = false;  // links.anonymous_create
  config::Config::Limits limits;
};

class ApiHandler final : public http::Handler {
 public:
  explicit ApiHandler(ApiDeps deps);
  bool try_inline(http::Exchange& ex, const http::RenderContext& ctx, std::string& out) override;
  http::Response handle(http::Exchange& ex) override;
  void finished(const http::Exchange& ex, std::chrono::nanoseconds elapsed) override;
  // Before the loops start only: the URL is known once the listener has bound its port.
  void set_public_url(std::string url) { deps_.public_url = std::move(url); }

 private:
  http::Response route(http::Exchange& ex);
  http::Response api(http::Exchange& ex, std::string_view rest);
  http::Response redirect_miss(http::Exchange& ex, std::string_view code);
  // POST /{code}: the visitor's password for a protected link.
  http::Response unlock_link(http::Exchange& ex, std::string_view code);

  // auth_routes.cpp
  http::Response signup(http::Exchange& ex);
  http::Response login(http::Exchange& ex);
  http::Response logout(http::Exchange& ex);
  http::Response me(http::Exchange& ex);
  http::Response keys(http::Exchange& ex, std::string_view id);

  // link_routes.cpp
  http::Response links_collection(http::Exchange& ex);
  http::Response create_link(http::Exchange& ex, const std::optional<accounts::Principal>& who);
  http::Response link_item(http::Exchange& ex, std::string_view code);
  http::Response link_with_clicks(http::Exchange& ex, const links::Link& link);

  // stats_routes.cpp
  http::Response link_stats(http::Exchange& ex, std::string_view code);
  http::Response top_links(http::Exchange& ex);

  // moderation_routes.cpp
  http::Response file_abuse_report(http::Exchange& ex);
  http::Response admin(http::Exchange& ex, std::string_view rest);
  http::Response admin_reports(http::Exchange& ex);
  http::Response admin_link(http::Exchange& ex, const accounts::Principal& admin, std::string_view code,
                            std::string_view action);
  http::Response admin_user(http::Exchange& ex, const accounts::Principal& admin, std::string_view id,
                            std::string_view action);

  // Who is calling; for a cookie-authenticated mutation the CSRF token is checked too.
  Result<accounts::Principal> require_user(const http::Exchange& ex);
  // Consumes one unit of `limit` for `key`; an engaged result is the 429 to send.
  std::optional<http::Response> throttle(const std::string& key, const ratelimit::Limit& limit);
  // The 429 (or 503) for a refused decision.
  std::optional<http::Response> refusal(const Result<ratelimit::Decision>& decision);
  std::string next_request_id();

  ApiDeps deps_;
  std::string instance_prefix_;
  std::atomic<uint64_t> request_seq_{0};
};

// Shared by the route files.
http::Response error_response(const http::Exchange& ex, const Error& error);
http::Response json_value(int status, const boost::json::value& v);
bool is_mutation(const http::Request& req);
// A limit of n per minute with a burst of n.
ratelimit::Limit per_minute(double n);

}  // namespace shortstack::api
