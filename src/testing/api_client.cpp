#include "testing/api_client.h"

namespace shortstack::testing {

std::string ApiResult::str(const char* key) const {
  if (!json.is_object() || !json.as_object().contains(key) || !json.at(key).is_string()) return {};
  return std::string(json.at(key).as_string());
}

int64_t ApiResult::num(const char* key) const {
  if (!json.is_object() || !json.as_object().contains(key) || !json.at(key).is_int64()) return -1;
  return json.at(key).as_int64();
}

std::string ApiResult::error_code() const {
  if (!json.is_object() || !json.as_object().contains("error")) return {};
  return std::string(json.at("error").at("code").as_string());
}

ApiResult to_api_result(HttpResult r) {
  ApiResult a{std::move(r), nullptr};
  boost::system::error_code ec;
  auto v = boost::json::parse(a.http.body, ec);
  if (!ec) a.json = std::move(v);
  return a;
}

std::string session_cookie_from(const HttpResult& r) {
  for (const auto& c : r.set_cookies)
    if (c.rfind("ss_session=", 0) == 0) return c.substr(0, c.find(';'));
  return {};
}

ApiResult ApiClient::call(const std::string& method, const std::string& path, const std::string& body) {
  Request r{method, path, body, {}};
  if (!bearer.empty()) r.header("Authorization", "Bearer " + bearer);
  if (!cookie.empty()) r.header("Cookie", cookie);
  if (!csrf.empty() && method != "GET") r.header("X-CSRF-Token", csrf);
  return to_api_result(http(port_, r));
}

ApiResult ApiClient::signup(const std::string& email, const std::string& password) {
  auto r = call("POST", "/api/v1/auth/signup",
                boost::json::serialize(boost::json::object{{"email", email}, {"password", password}}));
  cookie = session_cookie_from(r.http);
  if (!cookie.empty()) csrf = call("GET", "/api/v1/me").str("csrf_token");
  return r;
}

void ApiClient::use_new_api_key() {
  auto k = call("POST", "/api/v1/keys", R"({"name":"test"})");
  bearer = k.str("key");
  cookie.clear();
  csrf.clear();
}

}  // namespace shortstack::testing
