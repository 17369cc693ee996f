#pragma once
// Speaks the JSON API of a running server as a user would: signs up, keeps its cookie or key, and
// sends the CSRF token on cookie-authenticated changes.
#include <boost/json.hpp>
#include <string>

#include "testing/http_client.h"

namespace shortstack::testing {

struct ApiResult {
  HttpResult http;
  boost::json::value json;  // null when the body is not JSON
  int status() const { return http.status; }
  std::string str(const char* key) const;
  int64_t num(const char* key) const;
  std::string error_code() const;
};

class ApiClient {
 public:
  explicit ApiClient(int port) : port_(port) {}
  // Signs up with a cookie session and picks up the CSRF token.
  ApiResult signup(const std::string& email, const std::string& password = "correct horse battery");
  // Creates an API key and switches this client to Bearer authentication.
  void use_new_api_key();
  ApiResult call(const std::string& method, const std::string& path, const std::string& body = "");
  ApiResult create_link(const std::string& json_body) { return call("POST", "/api/v1/links", json_body); }

  std::string cookie;
  std::string csrf;
  std::string bearer;

 private:
  int port_;
};

ApiResult to_api_result(HttpResult r);
std::string session_cookie_from(const HttpResult& r);

}  // namespace shortstack::testing
