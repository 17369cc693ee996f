// Accounts endpoints: sign-up, log-in, log-out, /me and API keys.
#include <boost/json.hpp>
#include <charconv>

#include "api/api_handler.h"
#include "api/json_body.h"
#include "core/ascii.h"
#include "core/time_format.h"

namespace shortstack::api {

using http::Exchange;
using http::Response;

namespace {

boost::json::object user_json(const accounts::User& u) {
  return {{"id", u.id}, {"email", u.email}};
}

struct Credentials {
  std::string email, password;
};

Result<Credentials> read_credentials(const http::Request& req) {
  auto body = JsonBody::parse(req.body);
  if (!body) return body.error();
  if (auto st = body->only({"email", "password"}); !st) return st.error();
  auto email = body->required_string("email");
  if (!email) return email.error();
  auto password = body->required_string("password");
  if (!password) return password.error();
  return Credentials{std::move(*email), std::move(*password)};
}

}  // namespace

Response ApiHandler::signup(Exchange& ex) {
  if (auto limited = throttle("signup:ip:" + std::string(ex.remote_ip), per_minute(deps_.limits.signup_per_minute_per_ip)))
    return *limited;
  auto creds = read_credentials(ex.request);
  if (!creds) return error_response(ex, creds.error());
  auto session = deps_.auth->signup(creds->email, creds->password, unix_now());
  if (!session) return error_response(ex, session.error());
  Response r = json_value(201, {{"user", user_json(session->user)}});
  r.header("Set-Cookie", deps_.auth->session_cookie(session->session_token));
  return r;
}

Response ApiHandler::login(Exchange& ex) {
  if (auto limited = throttle("login:ip:" + std::string(ex.remote_ip), per_minute(deps_.limits.login_per_minute_per_ip)))
    return *limited;
  auto creds = read_credentials(ex.request);
  if (!creds) return error_response(ex, creds.error());
  const std::string account = ascii_lower(creds->email);
  if (auto limited = throttle("login:account:" + account, per_minute(deps_.limits.login_per_minute_per_account)))
    return *limited;
  // Failures are charged after the check but refused before it, so a guesser who has used up the
  // allowance learns nothing more, not even from a right guess.
  const std::string failures_key = "login:failures:" + account;
  const ratelimit::Limit failures{1.0 / deps_.limits.login_failure_refill_s, deps_.limits.login_failures_per_account};
  if (auto limited = refusal(deps_.limiter->check(failures_key, failures))) return *limited;
  auto session = deps_.auth->login(creds->email, creds->password, unix_now());
  if (!session) {
    if (session.error().http_status == 401) (void)deps_.limiter->acquire(failures_key, failures);
    return error_response(ex, session.error());
  }
  Response r = json_value(200, {{"user", user_json(session->user)}});
  r.header("Set-Cookie", deps_.auth->session_cookie(session->session_token));
  return r;
}

Response ApiHandler::logout(Exchange& ex) {
  auto who = require_user(ex);
  if (!who) return error_response(ex, who.error());
  if (who->via_session) {
    if (auto st = deps_.auth->logout(who->session_token); !st) return error_response(ex, st.error());
  }
  Response r;
  r.status = 204;
  r.header("Set-Cookie", deps_.auth->clear_session_cookie());
  return r;
}

Response ApiHandler::me(Exchange& ex) {
  auto who = require_user(ex);
  if (!who) return error_response(ex, who.error());
  boost::json::object o = user_json(who->user);
  // Only a cookie session needs (and has) a CSRF token; API keys are not sent by browsers on their own.
  if (who->via_session) o["csrf_token"] = accounts::AuthService::csrf_token_for(who->session_token);
  else o["csrf_token"] = nullptr;
  return json_value(200, o);
}

Response ApiHandler::keys(Exchange& ex, std::string_view id) {
  auto who = require_user(ex);
  if (!who) return error_response(ex, who.error());
  const auto method = ex.request.method;
  if (id.empty() && method == http::Method::Post) {
    auto body = JsonBody::parse(ex.request.body);
    if (!body) return error_response(ex, body.error());
    if (auto st = body->only({"name"}); !st) return error_response(ex, st.error());
    auto name = body->required_string("name");
    if (!name) return error_response(ex, name.error());
    auto issued = deps_.auth->create_key(who->user.id, *name, unix_now());
    if (!issued) return error_response(ex, issued.error());
    return json_value(201, {{"id", issued->key.id},
                            {"name", issued->key.name},
                            {"key", issued->secret},
                            {"prefix", issued->key.prefix},
                            {"created_at", format_rfc3339(issued->key.created_at)}});
  }
  if (id.empty() && method == http::Method::Get) {
    auto keys = deps_.auth->list_keys(who->user.id);
    if (!keys) return error_response(ex, keys.error());
    boost::json::array arr;
    for (const auto& k : *keys) {
      arr.push_back({{"id", k.id},
                     {"name", k.name},
                     {"prefix", k.prefix},
                     {"created_at", format_rfc3339(k.created_at)},
                     {"revoked", k.revoked_at.has_value()}});
    }
    return json_value(200, {{"keys", std::move(arr)}});
  }
  if (!id.empty() && method == http::Method::Delete) {
    int64_t key_id = 0;
    auto parsed = std::from_chars(id.data(), id.data() + id.size(), key_id);
    if (parsed.ec != std::errc() || parsed.ptr != id.data() + id.size())
      return http::json_error(404, "not_found", "no such key");
    auto revoked = deps_.auth->revoke_key(who->user.id, key_id, unix_now());
    if (!revoked) return error_response(ex, revoked.error());
    if (!*revoked) return http::json_error(404, "not_found", "no such key");
    Response r;
    r.status = 204;
    return r;
  }
  const char* allow = id.empty() ? "GET, POST" : "DELETE";
  return http::json_error(405, "method_not_allowed", std::string("allowed: ") + allow).header("Allow", allow);
}

}  // namespace shortstack::api
