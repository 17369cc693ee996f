// The links API and the redirect over real HTTP: CRUD, authorization, validation, redirects.
// Counting is tested in src/clicks/clicks_itest.cpp.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "testing/api_client.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

class LinksApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new ServerProcess(ServerProcess::Settings{{"links.blocked_domains", "blocked.example"}});
    server->start();
  }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  void SetUp() override {
    static int n = 0;
    alice.signup("alice" + std::to_string(++n) + "@example.com");
    alice.use_new_api_key();
    bob.signup("bob" + std::to_string(n) + "@example.com");
    bob.use_new_api_key();
  }
  HttpResult get(const std::string& path, const std::string& method = "GET") {
    return http(server->port(), {method, path, "", {}});
  }
  static ServerProcess* server;
  ApiClient alice{server->port()}, bob{server->port()};
};
ServerProcess* LinksApi::server = nullptr;

TEST_F(LinksApi, CreateReturnsTheFullLinkAndRedirects) {
  auto r = alice.create_link(R"({"url":"https://Example.com/path?q=1"})");
  ASSERT_EQ(r.status(), 201) << r.http.body;
  const std::string code = r.str("code");
  EXPECT_EQ(code.size(), 7u);
  EXPECT_EQ(r.str("url"), "https://example.com/path?q=1");
  EXPECT_EQ(r.str("short_url"), "http://127.0.0.1:" + std::to_string(server->port()) + "/" + code);
  EXPECT_EQ(r.num("redirect"), 302);
  EXPECT_EQ(r.num("clicks"), 0);
  EXPECT_TRUE(r.json.at("expires_at").is_null());
  EXPECT_FALSE(r.json.at("disabled").as_bool());
  EXPECT_FALSE(r.str("created_at").empty());

  auto redirect = get("/" + code);
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.header("location"), "https://example.com/path?q=1");
  EXPECT_NE(redirect.body.find("href="), std::string::npos) << "browsers get a small HTML body";
}

TEST_F(LinksApi, AliasesAndRedirectStatuses) {
  auto r = alice.create_link(R"({"url":"https://example.com/","alias":"summer-sale","redirect":301})");
  ASSERT_EQ(r.status(), 201) << r.http.body;
  EXPECT_EQ(r.str("code"), "summer-sale");
  EXPECT_EQ(get("/summer-sale").status, 301);
  EXPECT_EQ(bob.create_link(R"({"url":"https://example.com/","alias":"summer-sale"})").status(), 409);
  EXPECT_EQ(alice.create_link(R"({"url":"https://example.com/","alias":"healthz"})").error_code(), "invalid_alias");
  EXPECT_EQ(alice.create_link(R"({"url":"https://example.com/","redirect":303})").error_code(), "invalid_redirect");
}

TEST_F(LinksApi, RefusalsNameTheReasonAndWriteNothing) {
  const size_t before = alice.call("GET", "/api/v1/links?limit=100").json.at("links").as_array().size();
  struct Case {
    const char* body;
    const char* code;
  } cases[] = {{R"j({"url":"javascript:alert(1)"})j", "invalid_url"},
               {R"j({"url":"https://blocked.example/x"})j", "blocked_domain"},
               {R"j({"url":"https://sub.blocked.example/x"})j", "blocked_domain"},
               {R"j({"url":"https://exa mple.com"})j", "invalid_url"},
               {R"j({"url":"https://example.com","expires_at":"yesterday"})j", "invalid_argument"},
               {R"j({"url":"https://example.com","expires_at":"2001-01-01T00:00:00Z"})j", "invalid_expires_at"},
               {R"j({"url":"https://example.com","colour":"red"})j", "unknown_field"},
               {R"j({"url":42})j", "invalid_argument"},
               {R"j({})j", "invalid_argument"},
               {R"j([1,2])j", "invalid_json"}};
  for (const auto& c : cases) {
    auto r = alice.create_link(c.body);
    EXPECT_EQ(r.status(), 400) << c.body;
    EXPECT_EQ(r.error_code(), c.code) << c.body << " → " << r.http.body;
    EXPECT_FALSE(r.json.at("error").at("message").as_string().empty());
  }
  const std::string long_url = "https://example.com/" + std::string(2100, 'a');
  EXPECT_EQ(alice.create_link(R"({"url":")" + long_url + R"("})").error_code(), "invalid_url");
  EXPECT_EQ(alice.call("GET", "/api/v1/links?limit=100").json.at("links").as_array().size(), before);
}

TEST_F(LinksApi, IdnTargetsAreStoredAsPunycode) {
  auto r = alice.create_link(R"({"url":"https://bücher.example/ä"})");
  ASSERT_EQ(r.status(), 201);
  EXPECT_EQ(r.str("url"), "https://xn--bcher-kva.example/%C3%A4");
  EXPECT_EQ(get("/" + r.str("code")).header("location"), "https://xn--bcher-kva.example/%C3%A4");
}

TEST_F(LinksApi, OtherOwnersGet404Everywhere) {
  const std::string code = alice.create_link(R"({"url":"https://example.com/private"})").str("code");
  EXPECT_EQ(bob.call("GET", "/api/v1/links/" + code).status(), 404);
  EXPECT_EQ(bob.call("PATCH", "/api/v1/links/" + code, R"({"url":"https://evil.example/"})").status(), 404);
  EXPECT_EQ(bob.call("DELETE", "/api/v1/links/" + code).status(), 404);
  const auto bobs = bob.call("GET", "/api/v1/links");  // named: a range-for over a temporary's member dangles
  for (const auto& l : bobs.json.at("links").as_array()) EXPECT_NE(l.at("code").as_string(), code);
  EXPECT_EQ(get("/" + code).header("location"), "https://example.com/private") << "untouched";
}

TEST_F(LinksApi, ListingIsNewestFirstWithAnOpaqueCursor) {
  std::vector<std::string> codes;
  for (int i = 0; i < 5; ++i) codes.push_back(alice.create_link(R"({"url":"https://example.com/)" + std::to_string(i) + "\"}").str("code"));
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto r = alice.call("GET", "/api/v1/links?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status(), 200);
    for (const auto& l : r.json.at("links").as_array()) seen.emplace_back(l.at("code").as_string());
    if (r.json.at("next_cursor").is_null()) break;
    cursor = std::string(r.json.at("next_cursor").as_string());
  }
  ASSERT_EQ(seen.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], codes[static_cast<size_t>(4 - i)]);
  EXPECT_EQ(alice.call("GET", "/api/v1/links?cursor=garbage").error_code(), "invalid_cursor");
  EXPECT_EQ(alice.call("GET", "/api/v1/links?limit=0").status(), 400);
}

TEST_F(LinksApi, PatchAndDeleteShowOnTheVeryNextRequest) {
  const std::string code = alice.create_link(R"({"url":"https://before.example/"})").str("code");
  EXPECT_EQ(get("/" + code).header("location"), "https://before.example/");  // now cached
  auto p = alice.call("PATCH", "/api/v1/links/" + code, R"({"url":"https://after.example/","redirect":307})");
  ASSERT_EQ(p.status(), 200) << p.http.body;
  auto r = get("/" + code);
  EXPECT_EQ(r.status, 307);
  EXPECT_EQ(r.header("location"), "https://after.example/");
  ASSERT_EQ(alice.call("PATCH", "/api/v1/links/" + code, R"({"disabled":true})").status(), 200);
  EXPECT_EQ(get("/" + code).status, 410);
  ASSERT_EQ(alice.call("PATCH", "/api/v1/links/" + code, R"({"disabled":false,"expires_at":"2001-01-01T00:00:00Z"})").status(), 200);
  EXPECT_EQ(get("/" + code).status, 410) << "expired";
  ASSERT_EQ(alice.call("PATCH", "/api/v1/links/" + code, R"({"expires_at":null})").status(), 200);
  EXPECT_EQ(get("/" + code).status, 307);
  EXPECT_EQ(alice.call("DELETE", "/api/v1/links/" + code).status(), 204);
  EXPECT_EQ(get("/" + code).status, 410);
  EXPECT_EQ(alice.call("GET", "/api/v1/links/" + code).status(), 404);
}

TEST_F(LinksApi, UnknownCodesAre404AndHtmlForBrowsers) {
  auto json = get("/nosuchcode");
  EXPECT_EQ(json.status, 404);
  EXPECT_NE(json.body.find("\"not_found\""), std::string::npos);
  auto html = http(server->port(), Request{"GET", "/nosuchcode", "", {{"Accept", "text/html"}}});
  EXPECT_EQ(html.status, 404);
  EXPECT_NE(html.header("content-type").find("text/html"), std::string::npos);
  EXPECT_EQ(get("/a/b").status, 404);
  EXPECT_EQ(get("/api/v2/links").status, 404);
}

TEST_F(LinksApi, PasswordProtectedLinksShowAFormAndRedirectOnlyForThePassword) {
  auto created = alice.create_link(R"({"url":"https://example.com/launch-plan","password":"open sesame"})");
  ASSERT_EQ(created.status(), 201) << created.http.body;
  EXPECT_TRUE(created.json.at("protected").as_bool());
  EXPECT_EQ(created.http.body.find("argon2"), std::string::npos) << "the hash never leaves the server";
  const std::string code = created.str("code");

  auto form = http(server->port(), browser_get("/" + code));
  EXPECT_EQ(form.status, 200);
  EXPECT_TRUE(form.header("location").empty());
  EXPECT_EQ(form.body.find("launch-plan"), std::string::npos) << "the form never holds the target";
  EXPECT_NE(form.body.find("<form method=post>"), std::string::npos);

  auto post = [&](const std::string& body, const std::string& type) {
    return http(server->port(), Request{"POST", "/" + code, body, {{"Content-Type", type}, {"User-Agent", kBrowserUserAgent}}});
  };
  auto wrong = post("password=open+sesame%21", "application/x-www-form-urlencoded");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("<form"), std::string::npos);
  EXPECT_EQ(wrong.body.find("launch-plan"), std::string::npos);
  auto right = post("password=open+sesame", "application/x-www-form-urlencoded");
  EXPECT_EQ(right.status, 302);
  EXPECT_EQ(right.header("location"), "https://example.com/launch-plan");
  auto json = post(R"({"password":"open sesame"})", "application/json");
  EXPECT_EQ(json.status, 302);
  EXPECT_EQ(to_api_result(post(R"({"password":"nope nope"})", "application/json")).error_code(), "wrong_password");
  EXPECT_EQ(post("password=x", "text/plain").status, 415);
  EXPECT_EQ(to_api_result(post("other=1", "application/x-www-form-urlencoded")).status(), 400);

  // Unprotected links do not take a password; too short a password is refused at creation.
  const std::string plain = alice.create_link(R"({"url":"https://example.com/plain"})").str("code");
  EXPECT_EQ(http(server->port(), Request{"POST", "/" + plain, "password=x", {{"Content-Type", "application/x-www-form-urlencoded"}}}).status, 404);
  EXPECT_EQ(alice.create_link(R"({"url":"https://example.com/","password":"abc"})").error_code(), "invalid_password");
}

TEST_F(LinksApi, PasswordAttemptsAreRateLimitedPerLink) {
  ServerProcess limited(ServerProcess::Settings{{"limits.unlock_per_minute_per_link", "3"}});
  limited.start();
  ApiClient owner(limited.port());
  owner.signup("unlock-limit@example.com");
  owner.use_new_api_key();
  const std::string code = owner.create_link(R"({"url":"https://example.com/x","password":"the password"})").str("code");
  auto attempt = [&](const std::string& pw) {
    return http(limited.port(), Request{"POST", "/" + code, "password=" + pw, {{"Content-Type", "application/x-www-form-urlencoded"}}});
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt("guess" + std::to_string(i)).status, 401);
  auto blocked = attempt("the+password");
  EXPECT_EQ(blocked.status, 429) << "even the right password waits once the link's budget is spent";
  EXPECT_FALSE(blocked.header("retry-after").empty());
}

TEST(Blocklist, AFileOfBlockedDomainsIsReloadedOnSighup) {
  TempDir dir;
  const std::string list = dir.file("blocklist.txt");
  std::ofstream(list) << "evil.example\n";
  ServerProcess server(ServerProcess::Settings{{"links.blocklist_file", list}});
  server.start();
  ApiClient c(server.port());
  c.signup("blocklist@example.com");
  c.use_new_api_key();
  EXPECT_EQ(c.create_link(R"({"url":"https://login.evil.example/"})").error_code(), "blocked_domain");
  EXPECT_EQ(c.create_link(R"({"url":"https://later.example/0"})").status(), 201);

  std::ofstream(list) << "evil.example\nlater.example\n";
  server.send_signal(SIGHUP);
  std::string code;
  for (int i = 1; i < 200 && code != "blocked_domain"; ++i) {  // bounded wait for the reload
    code = c.create_link(R"({"url":"https://later.example/)" + std::to_string(i) + R"("})").error_code();
    if (code != "blocked_domain") std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(code, "blocked_domain");
  EXPECT_NE(server.log().find("blocklist_reloaded"), std::string::npos);

  // A broken file is refused whole and the list in force stays.
  std::ofstream(list) << "not a domain\n";
  server.send_signal(SIGHUP);
  for (int i = 0; i < 200 && server.log().find("blocklist_reload_failed") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(server.log().find("blocklist_reload_failed"), std::string::npos);
  EXPECT_EQ(c.create_link(R"({"url":"https://evil.example/"})").error_code(), "blocked_domain");
  EXPECT_EQ(server.stop(SIGTERM), 0) << "SIGHUP never stops the server";
}

TEST_F(LinksApi, MethodsAndMediaTypes) {
  EXPECT_EQ(http(server->port(), {"PUT", "/api/v1/links", "{}", {}}).status, 405);
  auto form = http(server->port(), Request{"POST", "/api/v1/links", "url=x", {{"Content-Type", "application/x-www-form-urlencoded"},
                                                                           {"Authorization", "Bearer " + alice.bearer}}});
  EXPECT_EQ(form.status, 415);
  EXPECT_EQ(http(server->port(), {"PUT", "/somecode", "", {}}).status, 405);
}

}  // namespace
}  // namespace shortstack::testing
