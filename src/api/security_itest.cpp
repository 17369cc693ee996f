// Security rules over real HTTP against the real binary: HSTS, log-in throttling, per-key and
// anonymous creation limits, and changing a link's password.
#include <gtest/gtest.h>

#include "testing/api_client.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

std::string unique_email() {
  static int n = 0;
  return "sec" + std::to_string(++n) + "@example.com";
}

ApiResult login(int port, const std::string& email, const std::string& password) {
  boost::json::object body{{"email", email}, {"password", password}};
  return to_api_result(http(port, {"POST", "/api/v1/auth/login", boost::json::serialize(body), {}}));
}

TEST(Security, HstsIsSentOnEveryResponseOnlyWhenServedOverTls) {
  ServerProcess tls(ServerProcess::Settings{{"server.public_url", "https://sho.rt"}, {"server.hsts_max_age", "600"}});
  tls.start();
  ApiClient c(tls.port());
  ASSERT_EQ(c.signup(unique_email()).status(), 201);
  auto created = c.create_link(R"({"url":"https://example.com/"})");
  EXPECT_EQ(created.http.header("strict-transport-security"), "max-age=600");
  EXPECT_EQ(created.str("short_url").rfind("https://sho.rt/", 0), 0u);
  auto redirect = http(tls.port(), {"GET", "/" + created.str("code"), "", {}});
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.header("strict-transport-security"), "max-age=600") << "the redirect hot path too";
  EXPECT_EQ(http(tls.port(), {"GET", "/nosuchcode", "", {}}).header("strict-transport-security"), "max-age=600");
  ASSERT_FALSE(c.cookie.empty());
  ApiClient d(tls.port());
  auto signup = d.signup(unique_email());
  ASSERT_EQ(signup.http.set_cookies.size(), 1u);
  EXPECT_NE(signup.http.set_cookies[0].find("; Secure"), std::string::npos) << "cookies are Secure over TLS";

  ServerProcess plain;
  plain.start();
  EXPECT_TRUE(http(plain.port(), {"GET", "/nosuchcode", "", {}}).header("strict-transport-security").empty());
  ApiClient p(plain.port());
  EXPECT_EQ(p.signup(unique_email()).http.set_cookies[0].find("Secure"), std::string::npos);
}

TEST(Security, LoginIsThrottledPerAccountAfterAFewFailuresEvenForTheRightPassword) {
  ServerProcess server(ServerProcess::Settings{{"limits.login_failures_per_account", "3"},
                                               {"limits.login_failure_refill_s", "3600"},
                                               {"limits.login_per_minute_per_account", "1000"}});
  server.start();
  ApiClient c(server.port());
  const std::string email = unique_email(), other = unique_email();
  ASSERT_EQ(c.signup(email).status(), 201);
  ApiClient o(server.port());
  ASSERT_EQ(o.signup(other).status(), 201);
  EXPECT_EQ(login(server.port(), email, "correct horse battery").status(), 200) << "successes cost nothing";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login(server.port(), email, "guess " + std::to_string(i)).status(), 401);
  auto throttled = login(server.port(), email, "correct horse battery");
  EXPECT_EQ(throttled.status(), 429) << "refused before the check, so a right guess tells nothing";
  EXPECT_FALSE(throttled.http.header("retry-after").empty());
  EXPECT_EQ(login(server.port(), "SEC" + email.substr(3), "guess").status(), 429) << "emails compare case-insensitively";
  EXPECT_EQ(login(server.port(), other, "correct horse battery").status(), 200) << "other accounts are not affected";
}

TEST(Security, LinkCreationIsLimitedPerApiKey) {
  ServerProcess server(ServerProcess::Settings{{"limits.create_per_second_per_key", "0.01"},
                                               {"limits.create_burst_per_key", "2"}});
  server.start();
  ApiClient c(server.port());
  ASSERT_EQ(c.signup(unique_email()).status(), 201);
  const std::string cookie = c.cookie, csrf = c.csrf;
  c.use_new_api_key();
  EXPECT_EQ(c.create_link(R"({"url":"https://example.com/1"})").status(), 201);
  EXPECT_EQ(c.create_link(R"({"url":"https://example.com/2"})").status(), 201);
  auto third = c.create_link(R"({"url":"https://example.com/3"})");
  EXPECT_EQ(third.status(), 429);
  EXPECT_FALSE(third.http.header("retry-after").empty());
  ApiClient second_key(server.port());
  second_key.cookie = cookie;
  second_key.csrf = csrf;
  second_key.use_new_api_key();
  EXPECT_EQ(second_key.create_link(R"({"url":"https://example.com/4"})").status(), 201) << "another key has its own budget";
}

TEST(Security, AnonymousCreationIsOffByDefaultAndLimitedWhenOn) {
  auto anonymous = [](int port, const std::string& body) {
    return to_api_result(http(port, {"POST", "/api/v1/links", body, {}}));
  };
  ServerProcess off;
  off.start();
  EXPECT_EQ(anonymous(off.port(), R"({"url":"https://example.com/"})").status(), 401);

  ServerProcess on(ServerProcess::Settings{{"links.anonymous_create", "true"},
                                           {"limits.anonymous_create_per_hour_per_ip", "2"}});
  on.start();
  auto first = anonymous(on.port(), R"({"url":"https://example.com/a"})");
  ASSERT_EQ(first.status(), 201) << first.http.body;
  EXPECT_EQ(http(on.port(), {"GET", "/" + first.str("code"), "", {}}).status, 302);
  EXPECT_EQ(anonymous(on.port(), R"({"url":"https://example.com/b","password":"secret123"})").status(), 400);
  auto third = anonymous(on.port(), R"({"url":"https://example.com/c"})");
  EXPECT_EQ(third.status(), 429) << "the anonymous limit is its own, stricter one";
  ApiClient user(on.port());
  ASSERT_EQ(user.signup(unique_email()).status(), 201);
  EXPECT_EQ(user.create_link(R"({"url":"https://example.com/d"})").status(), 201) << "accounts keep their limits";
  EXPECT_EQ(user.call("GET", "/api/v1/links/" + first.str("code")).status(), 404) << "no one owns anonymous links";
  auto bad_key = to_api_result(http(on.port(), Request{"POST", "/api/v1/links", R"({"url":"https://example.com/e"})", {}}
                                                    .header("Authorization", "Bearer ssk_wrong")));
  EXPECT_EQ(bad_key.status(), 401) << "wrong credentials are not anonymous";
}

TEST(Security, AnOwnerCanSetChangeAndRemoveALinksPassword) {
  ServerProcess server;
  server.start();
  ApiClient c(server.port());
  ASSERT_EQ(c.signup(unique_email()).status(), 201);
  const std::string code = c.create_link(R"({"url":"https://example.com/plans"})").str("code");
  ASSERT_EQ(http(server.port(), {"GET", "/" + code, "", {}}).status, 302);
  auto set = c.call("PATCH", "/api/v1/links/" + code, R"({"password":"first-secret"})");
  ASSERT_EQ(set.status(), 200) << set.http.body;
  EXPECT_TRUE(set.json.at("protected").as_bool());
  EXPECT_EQ(set.http.body.find("first-secret"), std::string::npos);
  auto form = http(server.port(), {"GET", "/" + code, "", {}});
  EXPECT_EQ(form.status, 200) << "the cached redirect is gone at once";
  EXPECT_EQ(form.body.find("example.com/plans"), std::string::npos);
  auto unlock = [&](const std::string& pw) {
    return http(server.port(), Request{"POST", "/" + code, "password=" + pw, {}}.header(
                                   "Content-Type", "application/x-www-form-urlencoded"));
  };
  EXPECT_EQ(unlock("first-secret").status, 302);
  ASSERT_EQ(c.call("PATCH", "/api/v1/links/" + code, R"({"password":"second-secret"})").status(), 200);
  EXPECT_EQ(unlock("first-secret").status, 401);
  EXPECT_EQ(unlock("second-secret").status, 302);
  EXPECT_EQ(c.call("PATCH", "/api/v1/links/" + code, R"({"password":""})").status(), 400);
  EXPECT_EQ(c.call("PATCH", "/api/v1/links/" + code, R"({"password":"short"})").error_code(), "invalid_password");
  auto removed = c.call("PATCH", "/api/v1/links/" + code, R"({"password":null})");
  ASSERT_EQ(removed.status(), 200);
  EXPECT_FALSE(removed.json.at("protected").as_bool());
  EXPECT_EQ(http(server.port(), {"GET", "/" + code, "", {}}).status, 302);
}

}  // namespace
}  // namespace shortstack::testing
