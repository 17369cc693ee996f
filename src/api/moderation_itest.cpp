// Abuse handling over real HTTP against the real binary: reports, the admin role, quarantine,
// disabling and suspension, and the administrator CLI.
#include <gtest/gtest.h>

#include "testing/api_client.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

class Moderation : public ::testing::Test {
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
    return "mod" + std::to_string(++n) + "@example.com";
  }
  // A signed-up user made administrator with `shortstack admin grant`, beside the running server.
  static ApiClient make_admin() {
    ApiClient admin(server->port());
    const std::string email = unique_email();
    EXPECT_EQ(admin.signup(email).status(), 201);
    std::string output;
    EXPECT_EQ(run_binary({"admin", "grant", email, "--data-dir", server->data_dir()}, &output), 0) << output;
    return admin;
  }
  static ApiResult report(const std::string& code, const std::string& reason) {
    boost::json::object body{{"code", code}, {"reason", reason}};
    return to_api_result(http(server->port(), {"POST", "/api/v1/abuse-reports", boost::json::serialize(body), {}}));
  }
  static ServerProcess* server;
};
ServerProcess* Moderation::server = nullptr;

TEST_F(Moderation, AnyoneCanReportAndTheReportTextComesBackInert) {
  ApiClient owner(server->port());
  ASSERT_EQ(owner.signup(unique_email()).status(), 201);
  const std::string code = owner.create_link(R"({"url":"https://phish.example/login"})").str("code");
  const std::string hostile = "<script>alert('x')</script> & <img src=x onerror=alert(1)>";
  auto filed = report(code, hostile);
  ASSERT_EQ(filed.status(), 202) << filed.http.body;
  EXPECT_GT(filed.num("id"), 0);

  ApiClient admin = make_admin();
  auto listed = admin.call("GET", "/api/v1/admin/abuse-reports?limit=200");
  ASSERT_EQ(listed.status(), 200) << listed.http.body;
  EXPECT_EQ(listed.http.body.find('<'), std::string::npos) << "no markup an HTML sniffer could run";
  EXPECT_EQ(listed.http.header("x-content-type-options"), "nosniff");
  bool found = false;
  for (const auto& r : listed.json.at("reports").as_array()) {
    if (r.at("id").as_int64() != filed.num("id")) continue;
    found = true;
    EXPECT_EQ(r.at("reason").as_string(), hostile) << "stored byte for byte, escaped only in transit";
    EXPECT_EQ(r.at("code").as_string(), code);
    EXPECT_GT(r.at("owner_id").as_int64(), 0);
  }
  EXPECT_TRUE(found);
}

TEST_F(Moderation, ReportsAreValidatedAndRateLimitedPerAddress) {
  EXPECT_EQ(report("nosuchcode", "spam").status(), 404);
  EXPECT_EQ(report("bad code!", "spam").status(), 404);
  ApiClient owner(server->port());
  ASSERT_EQ(owner.signup(unique_email()).status(), 201);
  const std::string code = owner.create_link(R"({"url":"https://example.com/"})").str("code");
  EXPECT_EQ(report(code, "").error_code(), "invalid_argument");
  EXPECT_EQ(report(code, std::string(2001, 'x')).status(), 400);
  auto extra = to_api_result(http(server->port(), {"POST", "/api/v1/abuse-reports",
                                                   R"({"code":")" + code + R"(","reason":"x","evil":1})", {}}));
  EXPECT_EQ(extra.status(), 400);

  ServerProcess limited(ServerProcess::Settings{{"limits.abuse_reports_per_hour_per_ip", "2"}});
  limited.start();
  ApiClient o(limited.port());
  ASSERT_EQ(o.signup(unique_email()).status(), 201);
  const std::string c2 = o.create_link(R"({"url":"https://example.com/"})").str("code");
  auto post = [&] {
    return to_api_result(http(limited.port(), {"POST", "/api/v1/abuse-reports", R"({"code":")" + c2 + R"(","reason":"spam"})", {}}));
  };
  EXPECT_EQ(post().status(), 202);
  EXPECT_EQ(post().status(), 202);
  auto third = post();
  EXPECT_EQ(third.status(), 429);
  EXPECT_FALSE(third.http.header("retry-after").empty());
}

TEST_F(Moderation, AdminEndpointsRefuseEveryoneElse) {
  ApiClient user(server->port());
  ASSERT_EQ(user.signup(unique_email()).status(), 201);
  auto forbidden = user.call("GET", "/api/v1/admin/abuse-reports");
  EXPECT_EQ(forbidden.status(), 403);
  EXPECT_EQ(forbidden.error_code(), "forbidden");
  const std::string code = user.create_link(R"({"url":"https://example.com/"})").str("code");
  EXPECT_EQ(user.call("POST", "/api/v1/admin/links/" + code + "/disable").status(), 403) << "not even on one's own link";
  EXPECT_EQ(user.call("POST", "/api/v1/admin/users/1/suspend").status(), 403);
  EXPECT_EQ(to_api_result(http(server->port(), {"GET", "/api/v1/admin/abuse-reports", "", {}})).status(), 401);
  EXPECT_EQ(http(server->port(), {"GET", "/" + code, "", {}}).status, 302) << "nothing changed";
}

TEST_F(Moderation, QuarantineShowsAWarningInsteadOfRedirectingAndTheOwnerCannotLiftIt) {
  ApiClient owner(server->port());
  ASSERT_EQ(owner.signup(unique_email()).status(), 201);
  const std::string code = owner.create_link(R"({"url":"https://phish.example/verify?acct=1&x=<b>"})").str("code");
  ASSERT_EQ(http(server->port(), {"GET", "/" + code, "", {}}).status, 302);  // now in the redirect cache
  ASSERT_EQ(report(code, "phishing").status(), 202);
  ApiClient admin = make_admin();
  auto q = admin.call("POST", "/api/v1/admin/links/" + code + "/quarantine");
  ASSERT_EQ(q.status(), 200) << q.http.body;
  EXPECT_EQ(q.str("moderation"), "quarantined");
  EXPECT_GE(q.num("reports_resolved"), 1);

  auto page = http(server->port(), Request{"GET", "/" + code, "", {}}.header("Accept", "text/html"));
  EXPECT_EQ(page.status, 200) << "the cached redirect was invalidated";
  EXPECT_TRUE(page.header("location").empty());
  EXPECT_NE(page.body.find("This link has been reported"), std::string::npos);
  EXPECT_NE(page.body.find("https://phish.example/verify?acct=1&amp;x="), std::string::npos) << page.body;
  EXPECT_EQ(page.body.find("<b>"), std::string::npos);
  EXPECT_EQ(page.header("content-security-policy").rfind("default-src 'none'", 0), 0u);

  EXPECT_EQ(owner.call("PATCH", "/api/v1/links/" + code, R"({"disabled":false})").str("moderation"), "quarantined");
  EXPECT_EQ(owner.call("PATCH", "/api/v1/links/" + code, R"({"moderation":""})").status(), 400)
      << "owners cannot send moderation";
  EXPECT_EQ(http(server->port(), {"GET", "/" + code, "", {}}).status, 200);

  ASSERT_EQ(admin.call("POST", "/api/v1/admin/links/" + code + "/disable").status(), 200);
  EXPECT_EQ(http(server->port(), {"GET", "/" + code, "", {}}).status, 410);
  ASSERT_EQ(admin.call("POST", "/api/v1/admin/links/" + code + "/restore").status(), 200);
  EXPECT_EQ(http(server->port(), {"GET", "/" + code, "", {}}).status, 302);
  EXPECT_EQ(admin.call("POST", "/api/v1/admin/links/" + code + "/explode").status(), 404);
  EXPECT_EQ(admin.call("POST", "/api/v1/admin/links/nosuchcode/disable").status(), 404);
}

TEST_F(Moderation, ASuspendedUsersSessionsAndKeysStopWorkingAtOnce) {
  ApiClient owner(server->port());
  ASSERT_EQ(owner.signup(unique_email()).status(), 201);
  const int64_t owner_id = owner.call("GET", "/api/v1/me").num("id");
  ApiClient bot(server->port());
  bot.cookie = owner.cookie;
  bot.csrf = owner.csrf;
  bot.use_new_api_key();
  ASSERT_EQ(bot.call("GET", "/api/v1/links").status(), 200);

  ApiClient admin = make_admin();
  auto s = admin.call("POST", "/api/v1/admin/users/" + std::to_string(owner_id) + "/suspend");
  ASSERT_EQ(s.status(), 200) << s.http.body;
  EXPECT_EQ(owner.call("GET", "/api/v1/me").status(), 401) << "the session was ended";
  EXPECT_EQ(bot.call("GET", "/api/v1/links").status(), 403) << "the key stopped working";
  EXPECT_EQ(bot.create_link(R"({"url":"https://example.com/"})").status(), 403);
  auto login = to_api_result(http(server->port(), {"POST", "/api/v1/auth/login",
                                                   R"({"email":"nobody@example.com","password":"x"})", {}}));
  EXPECT_EQ(login.status(), 401);

  ASSERT_EQ(admin.call("POST", "/api/v1/admin/users/" + std::to_string(owner_id) + "/unsuspend").status(), 200);
  EXPECT_EQ(bot.call("GET", "/api/v1/links").status(), 200) << "keys work again; sessions stay ended";
  const int64_t admin_id = admin.call("GET", "/api/v1/me").num("id");
  EXPECT_EQ(admin.call("POST", "/api/v1/admin/users/" + std::to_string(admin_id) + "/suspend").status(), 409);
  EXPECT_EQ(admin.call("POST", "/api/v1/admin/users/999999/suspend").status(), 404);
}

TEST_F(Moderation, TheAdminCliExplainsAnUnknownEmail) {
  std::string output;
  EXPECT_NE(run_binary({"admin", "grant", "nobody@example.com", "--data-dir", server->data_dir()}, &output), 0);
  EXPECT_NE(output.find("no user has the email"), std::string::npos) << output;
}

}  // namespace
}  // namespace shortstack::testing
