// Stage 2 by configuration alone: two `serve` processes, each with its own data directory, share
// links, accounts and sessions in a real PostgreSQL and behave as one service.
#include <gtest/gtest.h>

#include "testing/api_client.h"
#include "testing/pg_temp.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

ServerProcess::Settings on_postgres(const std::string& schema) {
  return {{"storage.links", "postgres"},
          {"storage.accounts", "postgres"},
          {"storage.sessions", "postgres"},
          {"storage.analytics", "postgres"},
          {"postgres.url", test_pg_url()},
          {"postgres.search_path", schema}};
}

class StageTwo : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string schema = temp_pg_schema();
    a = std::make_unique<ServerProcess>(on_postgres(schema));
    b = std::make_unique<ServerProcess>(on_postgres(schema));
    a->start();  // both migrate the empty schema at start; the advisory lock lets one do it
    b->start();
  }
  std::unique_ptr<ServerProcess> a, b;
};

TEST_F(StageTwo, TwoInstancesOnOneDatabaseBehaveAsOneService) {
  ApiClient on_a(a->port());
  ASSERT_EQ(on_a.signup("both@example.com").status(), 201);
  // A session opened on A is valid on B.
  ApiClient on_b(b->port());
  on_b.cookie = on_a.cookie;
  auto me = on_b.call("GET", "/api/v1/me");
  ASSERT_EQ(me.status(), 200) << me.http.body;
  EXPECT_EQ(me.str("email"), "both@example.com");
  on_b.csrf = me.str("csrf_token");
  // A link created on A redirects on B at once; one created on B is listed on A.
  auto created = on_a.create_link(R"({"url":"https://example.com/from-a"})");
  ASSERT_EQ(created.status(), 201) << created.http.body;
  auto redirect = http(b->port(), {"GET", "/" + created.str("code"), "", {}});
  EXPECT_EQ(redirect.status, 302);
  EXPECT_EQ(redirect.header("location"), "https://example.com/from-a");
  ASSERT_EQ(on_b.create_link(R"({"url":"https://example.com/from-b","alias":"made-on-b"})").status(), 201);
  EXPECT_EQ(on_a.call("GET", "/api/v1/links").json.at("links").as_array().size(), 2u);
  // An alias taken through one instance is taken for the other.
  EXPECT_EQ(on_a.create_link(R"({"url":"https://example.com/x","alias":"made-on-b"})").status(), 409);
  // An API key made on B works on A; revoked on A, it fails on B.
  ApiClient bot_b(b->port());
  bot_b.cookie = on_b.cookie;
  bot_b.csrf = on_b.csrf;
  bot_b.use_new_api_key();
  ApiClient bot_a(a->port());
  bot_a.bearer = bot_b.bearer;
  EXPECT_EQ(bot_a.call("GET", "/api/v1/links").status(), 200);
  const int64_t key_id = on_a.call("GET", "/api/v1/keys").json.at("keys").as_array()[0].at("id").as_int64();
  EXPECT_EQ(on_a.call("DELETE", "/api/v1/keys/" + std::to_string(key_id)).status(), 204);
  EXPECT_EQ(bot_b.call("GET", "/api/v1/links").status(), 401);
  // Logging out on B ends the session on A too.
  EXPECT_EQ(on_b.call("POST", "/api/v1/auth/logout").status(), 204);
  EXPECT_EQ(on_a.call("GET", "/api/v1/me").status(), 401);
}

TEST_F(StageTwo, AcknowledgedLinksSurviveTheInstanceThatMadeThem) {
  ApiClient on_a(a->port());
  ASSERT_EQ(on_a.signup("durable@example.com").status(), 201);
  std::vector<std::string> codes;
  for (int i = 0; i < 20; ++i) {
    auto r = on_a.create_link(R"({"url":"https://example.com/)" + std::to_string(i) + R"("})");
    ASSERT_EQ(r.status(), 201);
    codes.push_back(r.str("code"));
  }
  a->stop(9);  // no drain, no flush: the links were acknowledged, so they are in PostgreSQL
  for (const auto& code : codes) EXPECT_EQ(http(b->port(), {"GET", "/" + code, "", {}}).status, 302) << code;
}

TEST(StageTwoConfig, AnUnreachableDatabaseStopsStartWithAClearError) {
  ServerProcess s({{"storage.links", "postgres"}, {"storage.accounts", "postgres"}, {"storage.sessions", "postgres"},
                   {"storage.analytics", "postgres"},
                   {"postgres.url", "postgresql://app:hunter2@127.0.0.1:1/none"}, {"postgres.timeout_ms", "500"}});
  EXPECT_ANY_THROW(s.start());
  EXPECT_NE(s.log().find("startup_failed"), std::string::npos) << s.log();
  EXPECT_EQ(s.log().find("hunter2"), std::string::npos) << "the URL's password is never logged";
}

}  // namespace
}  // namespace shortstack::testing
