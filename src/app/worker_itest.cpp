// Stage 3's loosely coupled tier: two `serve` instances publish click batches to NATS JetStream and
// `shortstack worker` processes, behind no load balancer, apply them to PostgreSQL. Counts are
// exact, also when a worker is killed with -9 in the middle of the traffic.
#include <gtest/gtest.h>

#include <csignal>

#include "testing/api_client.h"
#include "testing/nats_temp.h"
#include "testing/pg_temp.h"
#include "testing/redis_temp.h"
#include "testing/server_process.h"

namespace shortstack::testing {
namespace {

constexpr const char* kBrowser = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

ServerProcess::Settings stage3(const std::string& schema, const std::pair<std::string, std::string>& stream) {
  return {{"storage.links", "postgres"},      {"storage.accounts", "postgres"},    {"storage.sessions", "redis"},
          {"storage.rate_limiter", "redis"},  {"storage.cache", "redis"},          {"storage.analytics", "postgres"},
          {"storage.queue", "nats"},          {"postgres.url", test_pg_url()},     {"postgres.search_path", schema},
          {"redis.address", test_redis_address()}, {"nats.url", test_nats_url()}, {"nats.stream", stream.first},
          {"nats.subject_prefix", stream.second},  {"nats.ack_wait_ms", "1000"},  {"clicks.aggregate_interval_ms", "50"},
          {"clicks.visitor_secret", "one-secret-for-the-whole-deployment"}};
}

int64_t clicks_of(int port, const std::string& cookie, const std::string& code) {
  ApiClient c(port);
  c.cookie = cookie;
  return c.call("GET", "/api/v1/links/" + code).num("clicks");
}

// Bounded wait for the workers to apply everything (no timed assertion: only the end state counts).
int64_t settled_clicks(int port, const std::string& cookie, const std::string& code, int64_t expected) {
  int64_t n = -1;
  for (int i = 0; i < 300 && n != expected; ++i) {
    n = clicks_of(port, cookie, code);
    if (n != expected) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return n;
}

TEST(Workers, TwoServesAndTwoWorkersCountEveryClickOnceEvenWhenAWorkerIsKilled) {
  ASSERT_TRUE(test_redis_pool()->command({"FLUSHALL"}));
  const std::string schema = temp_pg_schema();
  const auto stream = unique_nats_stream();
  ServerProcess a(stage3(schema, stream)), b(stage3(schema, stream));
  auto w1 = std::make_unique<ServerProcess>(stage3(schema, stream), "", "worker");
  ServerProcess w2(stage3(schema, stream), "", "worker");
  a.start();
  b.start();
  w1->start();
  w2.start();

  ApiClient owner(a.port());
  ASSERT_EQ(owner.signup("workers@example.com").status(), 201);
  const std::string code = owner.create_link(R"({"url":"https://example.com/sms-campaign"})").str("code");
  auto click = [&](int port) {
    return http(port, Request{"GET", "/" + code, "", {}}.header("User-Agent", kBrowser)).status;
  };
  int sent = 0;
  for (; sent < 200; ++sent) ASSERT_EQ(click(sent % 2 ? a.port() : b.port()), 302);
  w1->stop(SIGKILL);  // mid-traffic: whatever it held unacked goes back to the queue
  for (; sent < 400; ++sent) ASSERT_EQ(click(sent % 2 ? a.port() : b.port()), 302);
  w1 = std::make_unique<ServerProcess>(stage3(schema, stream), "", "worker");
  w1->start();
  for (; sent < 500; ++sent) ASSERT_EQ(click(sent % 2 ? a.port() : b.port()), 302);
  // Stopping the serves gracefully flushes their last batches into the queue.
  EXPECT_EQ(a.stop(SIGTERM), 0);
  EXPECT_EQ(b.stop(SIGTERM), 0);
  ServerProcess reader(stage3(schema, stream));
  reader.start();
  EXPECT_EQ(settled_clicks(reader.port(), owner.cookie, code, 500), 500);
  EXPECT_EQ(w2.stop(SIGTERM), 0) << "a worker stops cleanly";
  EXPECT_NE(w2.log().find("worker_ready"), std::string::npos);
}

TEST(Workers, AWorkerRefusesAConfigurationItCannotServe) {
  ServerProcess w({}, "", "worker");
  EXPECT_ANY_THROW(w.start());
  EXPECT_NE(w.log().find("a worker needs storage.queue = nats"), std::string::npos) << w.log();
}

}  // namespace
}  // namespace shortstack::testing
