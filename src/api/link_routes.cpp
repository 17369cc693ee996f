// Links endpoints: create, list, read, change, delete.
#include <boost/json.hpp>
#include <charconv>

#include "api/api_handler.h"
#include "api/json_body.h"
#include "api/query_params.h"
#include "core/crypto.h"
#include "core/time_format.h"
#include "http/cookie.h"
#include "links/code.h"

namespace shortstack::api {

using http::Exchange;
using http::Response;

namespace {

boost::json::object link_json(const links::Link& l, const std::string& public_url, int64_t clicks) {
  boost::json::object o;
  o["code"] = l.code;
  o["short_url"] = public_url + "/" + l.code;
  o["url"] = l.url;
  o["created_at"] = format_rfc3339(l.created_at);
  if (l.expires_at) o["expires_at"] = format_rfc3339(*l.expires_at);
  else o["expires_at"] = nullptr;
  o["redirect"] = l.redirect;
  o["disabled"] = l.disabled;
  o["protected"] = !l.password_hash.empty();
  if (l.moderation.empty()) o["moderation"] = nullptr;
  else o["moderation"] = l.moderation;
  o["clicks"] = clicks;
  return o;
}

// All-time human clicks of each link, from the analytics store.
Result<std::unordered_map<int64_t, analytics::LinkTotals>> totals_of(analytics::ClickStore& store,
                                                                     const std::vector<links::Link>& links) {
  std::vector<int64_t> ids;
  for (const auto& l : links) ids.push_back(l.id);
  return store.totals(ids);
}

// The cursor is opaque to clients: today it wraps the last id seen; a sharded store can change what it
// wraps without breaking them.
std::string encode_cursor(int64_t before_id) { return base64url("v1:" + std::to_string(before_id)); }

std::optional<int64_t> decode_cursor(std::string_view cursor) {
  if (cursor.size() > 64) return std::nullopt;
  const auto decoded = base64url_decode(cursor);
  if (!decoded) return std::nullopt;
  const std::string& raw = *decoded;
  if (raw.substr(0, 3) != "v1:") return std::nullopt;
  int64_t id = 0;
  auto r = std::from_chars(raw.data() + 3, raw.data() + raw.size(), id);
  if (r.ec != std::errc() || r.ptr != raw.data() + raw.size() || id <= 0) return std::nullopt;
  return id;
}

Result<links::CreateLink> read_create(const http::Request& req) {
  auto body = JsonBody::parse(req.body);
  if (!body) return body.error();
  if (auto st = body->only({"url", "alias", "expires_at", "redirect", "password"}); !st) return st.error();
  links::CreateLink c;
  auto url = body->required_string("url");
  if (!url) return url.error();
  c.url = std::move(*url);
  auto alias = body->optional_string("alias");
  if (!alias) return alias.error();
  c.alias = std::move(*alias);
  auto expires = body->optional_timestamp("expires_at");
  if (!expires) return expires.error();
  if (expires->has_value()) c.expires_at = **expires;
  auto redirect = body->optional_int("redirect");
  if (!redirect) return redirect.error();
  if (*redirect) c.redirect = static_cast<int>(std::clamp<int64_t>(**redirect, 0, 999));
  auto password = body->optional_string("password");
  if (!password) return password.error();
  c.password = std::move(*password);
  return c;
}

struct PatchRequest {
  links::LinkPatch patch;
  std::optional<std::string> password;  // "" removes it (null in the request)
};

Result<PatchRequest> read_patch(const http::Request& req) {
  auto body = JsonBody::parse(req.body);
  if (!body) return body.error();
  if (auto st = body->only({"url", "expires_at", "redirect", "disabled", "password"}); !st) return st.error();
  PatchRequest out;
  if (body->is_null("password")) {
    out.password = "";
  } else {
    auto password = body->optional_string("password");
    if (!password) return password.error();
    if (*password && (*password)->empty()) return invalid_field("password", "must not be empty; send null to remove it");
    out.password = std::move(*password);
  }
  links::LinkPatch& p = out.patch;
  if (body->is_null("url")) return invalid_field("url", "cannot be null");
  auto url = body->optional_string("url");
  if (!url) return url.error();
  p.url = std::move(*url);
  auto expires = body->optional_timestamp("expires_at");
  if (!expires) return expires.error();
  p.expires_at = *expires;
  auto redirect = body->optional_int("redirect");
  if (!redirect) return redirect.error();
  if (*redirect) p.redirect = static_cast<int>(std::clamp<int64_t>(**redirect, 0, 999));
  auto disabled = body->optional_bool("disabled");
  if (!disabled) return disabled.error();
  p.disabled = *disabled;
  return out;
}

}  // namespace

Response ApiHandler::links_collection(Exchange& ex) {
  const auto method = ex.request.method;
  if (method != http::Method::Get && method != http::Method::Post)
    return http::json_error(405, "method_not_allowed", "allowed: GET, POST").header("Allow", "GET, POST");
  const bool anonymous = method == http::Method::Post && deps_.anonymous_create && ex.request.authorization.empty() &&
                         http::cookie_value(ex.request.cookie, accounts::kSessionCookie).empty();
  if (anonymous) return create_link(ex, std::nullopt);
  auto who = require_user(ex);
  if (!who) return error_response(ex, who.error());
  if (method == http::Method::Post) return create_link(ex, *who);
  const std::string_view q = ex.request.query;
  size_t limit = 20;
  if (auto l = query_param(q, "limit"); !l.empty()) {
    auto r = std::from_chars(l.data(), l.data() + l.size(), limit);
    if (r.ec != std::errc() || r.ptr != l.data() + l.size() || limit < 1 || limit > 100)
      return http::json_error(400, "invalid_argument", "limit must be an integer from 1 to 100");
  }
  std::optional<int64_t> before;
  if (auto c = query_param(q, "cursor"); !c.empty()) {
    before = decode_cursor(c);
    if (!before) return http::json_error(400, "invalid_cursor", "cursor is not one this API returned");
  }
  auto page = deps_.links->list(who->user.id, before, limit);
  if (!page) return error_response(ex, page.error());
  auto totals = totals_of(*deps_.click_store, page->links);
  if (!totals) return error_response(ex, totals.error());
  boost::json::array arr;
  for (const auto& l : page->links) {
    auto t = totals->find(l.id);
    arr.push_back(link_json(l, deps_.public_url, t == totals->end() ? 0 : t->second.clicks));
  }
  boost::json::object o{{"links", std::move(arr)}};
  if (page->next_before_id) o["next_cursor"] = encode_cursor(*page->next_before_id);
  else o["next_cursor"] = nullptr;
  return json_value(200, o);
}

// Creation is limited per account, per API key and per address; anonymous creation (when configured)
// only per address, at its own stricter rate, and the link then has no owner who could manage it.
Response ApiHandler::create_link(Exchange& ex, const std::optional<accounts::Principal>& who) {
  const auto& limits = deps_.limits;
  if (who) {
    if (auto limited = throttle("create:user:" + std::to_string(who->user.id),
                                {limits.create_per_second_per_user, limits.create_burst_per_user}))
      return *limited;
    if (who->api_key_id != 0)
      if (auto limited = throttle("create:key:" + std::to_string(who->api_key_id),
                                  {limits.create_per_second_per_key, limits.create_burst_per_key}))
        return *limited;
  } else if (auto limited = throttle("create:anonymous:" + std::string(ex.remote_ip),
                                     {limits.anonymous_create_per_hour_per_ip / 3600.0,
                                      std::max(1.0, limits.anonymous_create_per_hour_per_ip)})) {
    return *limited;
  }
  if (auto limited = throttle("create:ip:" + std::string(ex.remote_ip), {limits.create_per_second_per_ip, limits.create_burst_per_ip}))
    return *limited;
  auto req = read_create(ex.request);
  if (!req) return error_response(ex, req.error());
  if (!who && req->password)
    return http::json_error(400, "invalid_argument", "anonymous links cannot have a password: no one could change it");
  auto link = deps_.links->create(who ? who->user.id : links::kAnonymousOwner, std::move(*req), unix_now());
  if (!link) return error_response(ex, link.error());
  return json_value(201, link_json(*link, deps_.public_url, 0));
}

Response ApiHandler::link_with_clicks(Exchange& ex, const links::Link& link) {
  auto totals = totals_of(*deps_.click_store, {link});
  if (!totals) return error_response(ex, totals.error());
  auto t = totals->find(link.id);
  return json_value(200, link_json(link, deps_.public_url, t == totals->end() ? 0 : t->second.clicks));
}

Response ApiHandler::link_item(Exchange& ex, std::string_view code) {
  auto who = require_user(ex);
  if (!who) return error_response(ex, who.error());
  if (!links::is_code_syntax(code)) return http::json_error(404, "not_found", "no link with this code");
  switch (ex.request.method) {
    case http::Method::Get: {
      auto link = deps_.links->get(who->user.id, code);
      if (!link) return error_response(ex, link.error());
      return link_with_clicks(ex, *link);
    }
    case http::Method::Patch: {
      auto patch = read_patch(ex.request);
      if (!patch) return error_response(ex, patch.error());
      patch->patch.now = unix_now();
      auto link = deps_.links->update(who->user.id, code, std::move(patch->patch), std::move(patch->password));
      if (!link) return error_response(ex, link.error());
      return link_with_clicks(ex, *link);
    }
    case http::Method::Delete: {
      if (auto st = deps_.links->remove(who->user.id, code, unix_now()); !st) return error_response(ex, st.error());
      Response r;
      r.status = 204;
      return r;
    }
    default:
      return http::json_error(405, "method_not_allowed", "allowed: GET, PATCH, DELETE")
          .header("Allow", "GET, PATCH, DELETE");
  }
}

}  // namespace shortstack::api
