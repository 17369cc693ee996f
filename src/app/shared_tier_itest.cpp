// Two `serve` processes on the shared tier (PostgreSQL for links and accounts, Redis for sessions,
// rate limits, the L2 cache and its invalidation) behave as one service, and survive Redis going away.
#include <gtest/gtest.h>

#include <csignal>

#include "testing/api_client.h"
#include "testing/pg_temp.h"
#include "testing/redis_temp.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

ServerProcess::Settings shared_tier(const std::string& schema, ServerProcess::Settings extra = {}) {
  ServerProcess::Settings s = {{"storage.links", "postgres"},    {"storage.accounts", "postgres"},
                               {"storage.sessions", "redis"},    {"storage.rate_limiter", "redis"},
                               {"storage.cache", "redis"},       {"storage.analytics", "postgres"},
                               {"storage.leaderboard", "redis"},
                               {"postgres.url", test_pg_url()},
                               {"postgres.search_path", schema}, {"redis.address", test_redis_address()}};
  for (auto& [k, v] : extra) s[k] = v;
  return s;
}

// Readiness comes after each instance has subscribed to link changes.
void start_both(ServerProcess& a, ServerProcess& b) {
  a.start();
  b.start();
}

class SharedTier : public ::testing::Test {
 protected:
  void SetUp() override {
    // Each test gets its own Redis key space: the servers' keys are not prefixed per test, so flush.
    ASSERT_TRUE(test_redis_pool()->command({"FLUSHALL"}));
  }
};

TEST_F(SharedTier, AChangeOnOneInstanceShowsOnTheOthersVeryNextRequest) {
  const std::string schema = temp_pg_schema();
  ServerProcess a(shared_tier(schema)), b(shared_tier(schema));
  start_both(a, b);
  ApiClient on_a(a.port());
  ASSERT_EQ(on_a.signup("patch@example.com").status(), 201);
  const std::string code = on_a.create_link(R"({"url":"https://example.com/before"})").str("code");
  for (int i = 0; i < 3; ++i)  // B caches the redirect
    ASSERT_EQ(http(b.port(), {"GET", "/" + code, "", {}}).header("location"), "https://example.com/before");
  ASSERT_EQ(on_a.call("PATCH", "/api/v1/links/" + code, R"({"url":"https://example.com/after"})").status(), 200);
  EXPECT_EQ(http(b.port(), {"GET", "/" + code, "", {}}).header("location"), "https://example.com/after");
  ASSERT_EQ(on_a.call("DELETE", "/api/v1/links/" + code).status(), 204);
  EXPECT_EQ(http(b.port(), {"GET", "/" + code, "", {}}).status, 410);
  // The session lives in Redis: opened on A, valid on B.
  ApiClient on_b(b.port());
  on_b.cookie = on_a.cookie;
  EXPECT_EQ(on_b.call("GET", "/api/v1/me").str("email"), "patch@example.com");
}

TEST_F(SharedTier, WithL1OffRedirectsComeFromTheSharedL2AndChangesStillShowAtOnce) {
  const std::string schema = temp_pg_schema();
  ServerProcess a(shared_tier(schema)), b(shared_tier(schema, {{"cache.l1_entries", "0"}}));
  start_both(a, b);
  ApiClient on_a(a.port());
  ASSERT_EQ(on_a.signup("l2@example.com").status(), 201);
  const std::string code = on_a.create_link(R"({"url":"https://example.com/l2-before"})").str("code");
  ASSERT_EQ(http(a.port(), {"GET", "/" + code, "", {}}).status, 302);  // A fills L2
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(http(b.port(), {"GET", "/" + code, "", {}}).header("location"), "https://example.com/l2-before");
  EXPECT_GE(admin_metric(b, "shortstack_cache_l2_hits_total"), 5) << "B has no L1: each redirect was an L2 hit";
  EXPECT_EQ(admin_metric(b, "shortstack_cache_l2_errors_total"), 0);

  ASSERT_EQ(on_a.call("PATCH", "/api/v1/links/" + code, R"({"url":"https://example.com/l2-after"})").status(), 200);
  EXPECT_EQ(http(b.port(), {"GET", "/" + code, "", {}}).header("location"), "https://example.com/l2-after");

  // An unknown code is cached negative in L2; creating it as an alias must replace that at once.
  EXPECT_EQ(http(b.port(), {"GET", "/l2-alias", "", {}}).status, 404);
  EXPECT_EQ(http(b.port(), {"GET", "/l2-alias", "", {}}).status, 404);
  ASSERT_EQ(on_a.create_link(R"({"url":"https://example.com/aliased","alias":"l2-alias"})").status(), 201);
  EXPECT_EQ(http(b.port(), {"GET", "/l2-alias", "", {}}).header("location"), "https://example.com/aliased");
}

TEST_F(SharedTier, ClicksOnBothInstancesAreCountedExactlyOnce) {
  const std::string schema = temp_pg_schema();
  ServerProcess a(shared_tier(schema)), b(shared_tier(schema));
  start_both(a, b);
  ApiClient owner(a.port());
  ASSERT_EQ(owner.signup("clicks@example.com").status(), 201);
  const std::string code = owner.create_link(R"({"url":"https://example.com/campaign"})").str("code");
  const char* browser = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
  auto click = [&](int port) {
    return http(port, Request{"GET", "/" + code, "", {}}.header("User-Agent", browser)).status;
  };
  for (int i = 0; i < 120; ++i) ASSERT_EQ(click(i % 3 == 0 ? b.port() : a.port()), 302);
  // Graceful stops flush every buffer into the shared analytics database.
  EXPECT_EQ(a.stop(SIGTERM), 0);
  EXPECT_EQ(b.stop(SIGTERM), 0);
  ServerProcess reader(shared_tier(schema));
  reader.start();
  ApiClient again(reader.port());
  auto login = http(reader.port(), {"POST", "/api/v1/auth/login",
                                    R"({"email":"clicks@example.com","password":"correct horse battery"})", {}});
  ASSERT_EQ(login.status, 200);
  again.cookie = session_cookie_from(login);
  auto link = again.call("GET", "/api/v1/links/" + code);
  ASSERT_EQ(link.status(), 200) << link.http.body;
  EXPECT_EQ(link.num("clicks"), 120) << "40 clicks on B and 80 on A, each counted once";
  // The ranking comes from Redis's sorted sets, fed by both instances' aggregators.
  auto top = again.call("GET", "/api/v1/stats/top?window=1h");
  ASSERT_EQ(top.status(), 200) << top.http.body;
  const auto& ranked = top.json.at("links").as_array();
  ASSERT_EQ(ranked.size(), 1u) << top.http.body;
  EXPECT_EQ(ranked[0].at("clicks").as_int64(), 120);
  EXPECT_EQ(test_redis_pool()->command({"EXISTS", "ss:lb:incomplete"})->integer(), 0) << "no feed failed";
  EXPECT_GE(test_redis_pool()->command({"KEYS", "ss:lb:*"})->size(), 1u) << "the ranking lives in Redis";
}

TEST_F(SharedTier, RateLimitsAreSharedByTheInstances) {
  const std::string schema = temp_pg_schema();
  const ServerProcess::Settings tight = {{"limits.create_per_second_per_user", "0.01"}, {"limits.create_burst_per_user", "3"}};
  ServerProcess a(shared_tier(schema, tight)), b(shared_tier(schema, tight));
  start_both(a, b);
  ApiClient on_a(a.port());
  ASSERT_EQ(on_a.signup("limits@example.com").status(), 201);
  ApiClient on_b(b.port());
  on_b.cookie = on_a.cookie;
  on_b.csrf = on_a.csrf;
  EXPECT_EQ(on_a.create_link(R"({"url":"https://example.com/1"})").status(), 201);
  EXPECT_EQ(on_b.create_link(R"({"url":"https://example.com/2"})").status(), 201);
  EXPECT_EQ(on_a.create_link(R"({"url":"https://example.com/3"})").status(), 201);
  EXPECT_EQ(on_b.create_link(R"({"url":"https://example.com/4"})").status(), 429) << "one budget across instances";
  EXPECT_EQ(on_a.create_link(R"({"url":"https://example.com/5"})").status(), 429);
}

TEST_F(SharedTier, WithoutRedisRedirectsStillWorkAndAuthenticationFailsClosedThenRecovers) {
  const std::string schema = temp_pg_schema();
  ServerProcess a(shared_tier(schema));
  a.start();
  ApiClient user(a.port());
  ASSERT_EQ(user.signup("outage@example.com").status(), 201);
  const std::string cached = user.create_link(R"({"url":"https://example.com/cached"})").str("code");
  const std::string cold = user.create_link(R"({"url":"https://example.com/cold"})").str("code");
  ASSERT_EQ(http(a.port(), {"GET", "/" + cached, "", {}}).status, 302);

  stop_test_redis();
  EXPECT_EQ(http(a.port(), {"GET", "/" + cached, "", {}}).status, 302) << "from L1";
  EXPECT_EQ(http(a.port(), {"GET", "/" + cold, "", {}}).status, 302) << "from PostgreSQL";
  auto me = user.call("GET", "/api/v1/me");
  EXPECT_EQ(me.status(), 401) << "fails closed, never open: " << me.http.body;
  auto create = user.create_link(R"({"url":"https://example.com/during"})");
  EXPECT_TRUE(create.status() == 401 || create.status() == 503) << create.status();
  auto login = to_api_result(http(a.port(), {"POST", "/api/v1/auth/login",
                                             R"({"email":"outage@example.com","password":"correct horse battery"})", {}}));
  EXPECT_GE(login.status(), 400) << "no session can be opened without Redis";

  start_test_redis();
  // The pool retries Redis a moment after a failure; bounded wait for the service to notice.
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = http(a.port(), {"POST", "/api/v1/auth/login", R"({"email":"outage@example.com","password":"correct horse battery"})", {}}).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200) << "recovers by itself";
  EXPECT_EQ(http(a.port(), {"GET", "/" + cold, "", {}}).status, 302);
}

}  // namespace
}  // namespace shortstack::testing
