// Accounts over real HTTP against the real binary: sign-up, log-in, sessions, CSRF, API keys.
#include <gtest/gtest.h>

#include "testing/api_client.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

class AuthApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new ServerProcess();
    server->start();
  }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  static std::string unique_email() {
    static int n = 0;
    return "user" + std::to_string(++n) + "@example.com";
  }
  static ServerProcess* server;
};
ServerProcess* AuthApi::server = nullptr;

TEST_F(AuthApi, SignupReturnsTheUserAndAHardenedSessionCookie) {
  ApiClient c(server->port());
  const std::string email = unique_email();
  auto r = c.signup(email);
  ASSERT_EQ(r.status(), 201) << r.http.body;
  EXPECT_EQ(r.json.at("user").at("email").as_string(), email);
  EXPECT_GT(r.json.at("user").at("id").as_int64(), 0);
  ASSERT_EQ(r.http.set_cookies.size(), 1u);
  const std::string& set = r.http.set_cookies[0];
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Lax"), std::string::npos);
  auto me = c.call("GET", "/api/v1/me");
  ASSERT_EQ(me.status(), 200);
  EXPECT_EQ(me.str("email"), email);
  EXPECT_FALSE(me.str("csrf_token").empty());
}

TEST_F(AuthApi, DuplicateEmailIs409AndBadInputIs400) {
  ApiClient c(server->port());
  const std::string email = unique_email();
  ASSERT_EQ(c.signup(email).status(), 201);
  ApiClient d(server->port());
  auto dup = d.signup(email);
  EXPECT_EQ(dup.status(), 409);
  EXPECT_EQ(dup.error_code(), "email_taken");
  EXPECT_EQ(d.signup("not-an-email").status(), 400);
  EXPECT_EQ(d.signup(unique_email(), "short").error_code(), "weak_password");
  auto bad = to_api_result(http(server->port(), {"POST", "/api/v1/auth/signup", "{not json", {}}));
  EXPECT_EQ(bad.status(), 400);
  EXPECT_EQ(bad.error_code(), "invalid_json");
}

TEST_F(AuthApi, LoginLogoutAndWrongPasswords) {
  ApiClient c(server->port());
  const std::string email = unique_email();
  ASSERT_EQ(c.signup(email).status(), 201);
  const std::string signup_cookie = c.cookie;
  auto wrong = to_api_result(http(server->port(), {"POST", "/api/v1/auth/login",
                                                   R"({"email":")" + email + R"(","password":"not the password"})",
                                                   {}}));
  EXPECT_EQ(wrong.status(), 401);
  EXPECT_EQ(wrong.error_code(), "unauthorized");
  auto ok = http(server->port(), {"POST", "/api/v1/auth/login",
                                  R"({"email":")" + email + R"(","password":"correct horse battery"})", {}});
  ASSERT_EQ(ok.status, 200);
  ApiClient logged(server->port());
  logged.cookie = session_cookie_from(ok);
  EXPECT_NE(logged.cookie, signup_cookie) << "login issues a new session id";
  logged.csrf = logged.call("GET", "/api/v1/me").str("csrf_token");
  auto out = logged.call("POST", "/api/v1/auth/logout");
  EXPECT_EQ(out.status(), 204);
  EXPECT_EQ(logged.call("GET", "/api/v1/me").status(), 401) << "the session is gone on the server";
  EXPECT_EQ(c.call("GET", "/api/v1/me").status(), 200) << "other sessions of the same user stay";
}

TEST_F(AuthApi, CookieMutationsNeedTheCsrfToken) {
  ApiClient c(server->port());
  ASSERT_EQ(c.signup(unique_email()).status(), 201);
  const std::string token = c.csrf;
  c.csrf.clear();
  auto missing = c.create_link(R"({"url":"https://example.com/"})");
  EXPECT_EQ(missing.status(), 403);
  EXPECT_EQ(missing.error_code(), "csrf_failed");
  c.csrf = "wrong";
  EXPECT_EQ(c.create_link(R"({"url":"https://example.com/"})").status(), 403);
  c.csrf = token;
  EXPECT_EQ(c.create_link(R"({"url":"https://example.com/"})").status(), 201);
  c.csrf.clear();
  EXPECT_EQ(c.call("GET", "/api/v1/links").status(), 200) << "reads need no token";
}

TEST_F(AuthApi, ApiKeysAreShownOnceListedWithoutSecretsAndRevocable) {
  ApiClient c(server->port());
  ASSERT_EQ(c.signup(unique_email()).status(), 201);
  auto created = c.call("POST", "/api/v1/keys", R"({"name":"deploy bot"})");
  ASSERT_EQ(created.status(), 201);
  const std::string secret = created.str("key");
  EXPECT_EQ(secret.rfind("ssk_", 0), 0u);
  auto listed = c.call("GET", "/api/v1/keys");
  ASSERT_EQ(listed.status(), 200);
  EXPECT_EQ(listed.http.body.find(secret), std::string::npos) << "the secret is never shown again";
  EXPECT_EQ(listed.json.at("keys").as_array().size(), 1u);

  ApiClient bot(server->port());
  bot.bearer = secret;
  EXPECT_EQ(bot.create_link(R"({"url":"https://example.com/"})").status(), 201) << "no CSRF token with a key";
  const std::string id = std::to_string(created.num("id"));
  EXPECT_EQ(c.call("DELETE", "/api/v1/keys/" + id).status(), 204);
  EXPECT_EQ(bot.call("GET", "/api/v1/links").status(), 401);
  EXPECT_EQ(c.call("DELETE", "/api/v1/keys/" + id).status(), 404);
}

TEST_F(AuthApi, AnonymousRequestsAreRefused) {
  auto r = to_api_result(http(server->port(), {"POST", "/api/v1/links", R"({"url":"https://example.com/"})", {}}));
  EXPECT_EQ(r.status(), 401);
  EXPECT_EQ(to_api_result(http(server->port(), {"GET", "/api/v1/me", "", {}})).status(), 401);
}

TEST_F(AuthApi, SignupIsRateLimitedPerIp) {
  ServerProcess limited(ServerProcess::Settings{{"limits.signup_per_minute_per_ip", "2"}});
  limited.start();
  ApiClient c(limited.port());
  EXPECT_EQ(c.signup(unique_email()).status(), 201);
  EXPECT_EQ(c.signup(unique_email()).status(), 201);
  auto third = c.signup(unique_email());
  EXPECT_EQ(third.status(), 429);
  EXPECT_FALSE(third.http.header("retry-after").empty());
}

TEST_F(AuthApi, LinkCreationIsRateLimitedPerIpAcrossAccounts) {
  ServerProcess limited(ServerProcess::Settings{{"limits.create_per_second_per_ip", "0.01"},
                                                {"limits.create_burst_per_ip", "2"}});
  limited.start();
  ApiClient a(limited.port()), b(limited.port());
  a.signup(unique_email());
  a.use_new_api_key();
  b.signup(unique_email());
  b.use_new_api_key();
  EXPECT_EQ(a.create_link(R"({"url":"https://example.com/1"})").status(), 201);
  EXPECT_EQ(b.create_link(R"({"url":"https://example.com/2"})").status(), 201);
  auto third = b.create_link(R"({"url":"https://example.com/3"})");
  EXPECT_EQ(third.status(), 429) << "a second account on the same address shares the address's budget";
  EXPECT_EQ(third.error_code(), "rate_limited");
  EXPECT_FALSE(third.http.header("retry-after").empty());
}

}  // namespace
}  // namespace shortstack::testing
