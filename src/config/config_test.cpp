#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_dir.h"

namespace shortstack::config {
namespace {

std::string write_file(const testing::TempDir& dir, const std::string& text) {
  const std::string path = dir.file("c.toml");
  std::ofstream(path) << text;
  return path;
}

TEST(Config, DefaultsAreTheEmbeddedStageAndValid) {
  auto r = load("", nullptr);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(r.config.storage.links, "sqlite");
  EXPECT_EQ(r.config.storage.queue, "memory");
  EXPECT_TRUE(validate(r.config).empty());
}

TEST(Config, FileThenEnvironmentOverride) {
  testing::TempDir dir;
  const auto path = write_file(dir, "[server]\nlisten = \"0.0.0.0:9000\"\nthreads = 3\n[links]\nblocked_domains = [\"evil.example\"]\n");
  std::string env1 = "SHORTSTACK_SERVER_THREADS=5", env2 = "SHORTSTACK_LINKS_BLOCKED_DOMAINS=a.example, b.example";
  char* env[] = {env1.data(), env2.data(), nullptr};
  auto r = load(path, env);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  EXPECT_EQ(r.config.server.listen, "0.0.0.0:9000");
  EXPECT_EQ(r.config.server.threads, 5);
  EXPECT_EQ(r.config.links.blocked_domains, (std::vector<std::string>{"a.example", "b.example"}));
}

TEST(Config, ReportsEveryProblemNotJustTheFirst) {
  testing::TempDir dir;
  const auto path = write_file(dir, "[server]\nlisen = \"x\"\nthreads = \"two\"\n[storage]\nqueue = \"kafka\"\n");
  auto r = load(path, nullptr);
  auto v = validate(r.config);
  r.errors.insert(r.errors.end(), v.begin(), v.end());
  ASSERT_EQ(r.errors.size(), 3u);
  auto mentions = [&](const std::string& needle) {
    for (auto& e : r.errors)
      if (e.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(mentions("unknown setting 'server.lisen'"));
  EXPECT_TRUE(mentions("'server.threads'"));
  EXPECT_TRUE(mentions("'storage.queue'"));
}

TEST(Config, SyntaxErrorsNameTheLine) {
  testing::TempDir dir;
  auto r = load(write_file(dir, "[server]\nlisten = \n"), nullptr);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find(":2:"), std::string::npos) << r.errors[0];
}

bool mentions(const std::vector<std::string>& errors, const std::string& needle) {
  for (auto& e : errors)
    if (e.find(needle) != std::string::npos) return true;
  return false;
}

TEST(Config, ASpreadRoundGathersForHalfTheQueuesAckTimeoutUnlessSet) {
  Config c;
  EXPECT_EQ(c.clicks.spread_round_max_ms, kSpreadRoundByQueue);
  EXPECT_EQ(spread_round_max_ms(c), 30'000) << "the in-process queue's timeout is long; 30 s bounds staleness";
  c.storage.queue = "nats";
  c.nats.ack_wait_ms = 10'000;
  EXPECT_EQ(spread_round_max_ms(c), 5'000) << "acked well before JetStream hands the batches out again";
  c.clicks.spread_round_max_ms = 5'000;
  EXPECT_FALSE(mentions(validate(c), "spread_round_max_ms"));
  c.clicks.spread_round_max_ms = 5'001;
  EXPECT_TRUE(mentions(validate(c), "'clicks.spread_round_max_ms' must be between 0 and half the queue's ack timeout (5000 ms)"));
  c.clicks.round_max_link_hours = 0;
  EXPECT_TRUE(mentions(validate(c), "'clicks.round_max_link_hours' must be at least 1"));
}

TEST(Config, TheL1LifetimeFollowsWhereLinksLiveUnlessSet) {
  Config c;
  EXPECT_EQ(c.cache.positive_ttl_ms, kPositiveTtlByStore);
  EXPECT_EQ(l1_positive_ttl_ms(c), 24 * 3600'000) << "stage 1: every change passes through this process";
  c.storage.links = "postgres";
  EXPECT_EQ(l1_positive_ttl_ms(c), 300'000) << "shared links: the lifetime bounds staleness";
  c.cache.positive_ttl_ms = 0;  // bench/stage2.sh measures the store path this way
  EXPECT_EQ(l1_positive_ttl_ms(c), 0);
  EXPECT_FALSE(mentions(validate(c), "positive_ttl_ms"));
  c.cache.positive_ttl_ms = -2;
  EXPECT_TRUE(mentions(validate(c), "'cache.positive_ttl_ms' must be at least 0, or left unset"));
}

TEST(Config, ValidationCatchesBadValuesAndIncoherentBackends) {
  Config c;
  c.server.listen = "nonsense";
  c.server.max_body_bytes = 10;
  c.storage.accounts = "postgres";
  c.log.level = "loud";
  auto e = validate(c);
  // listen, body size, links on this instance but accounts shared, sessions not shared with
  // accounts, no postgres.url, log level
  EXPECT_EQ(e.size(), 6u);
  EXPECT_TRUE(mentions(e, "'postgres.url' is required"));
  EXPECT_TRUE(mentions(e, "a session opened on one instance would be unknown to the others"));
}

TEST(Config, TheStageTwoStoresValidateWithAUrlAndNeverEchoIt) {
  Config c;
  c.storage.links = c.storage.accounts = c.storage.sessions = c.storage.analytics = "postgres";
  c.postgres.url = "postgresql://app:s3cret@db.internal:6432/shortstack";
  EXPECT_TRUE(validate(c).empty());
  c.postgres.search_path = "x; DROP TABLE links";
  c.postgres.pool_size = 0;
  auto e = validate(c);
  EXPECT_EQ(e.size(), 2u);
  for (const auto& m : e) EXPECT_EQ(m.find("s3cret"), std::string::npos);
  c = Config{};
  c.storage.blobs = "s3";
  EXPECT_TRUE(mentions(validate(c), "needs 's3.bucket'"));
  c = Config{};
  c.storage.queue = "nats";
  EXPECT_TRUE(mentions(validate(c), "cannot reach an instance's 'sqlite' analytics"));
  c = Config{};
  c.storage.rate_limiter = c.storage.cache = "redis";
  c.redis.address = "redis-host";
  EXPECT_TRUE(mentions(validate(c), "'redis.address' must be HOST:PORT"));
}

TEST(Config, ReadReplicasNeedAZoneTheSharedCacheAndALongEnoughTombstone) {
  Config c;
  c.storage.links = c.storage.accounts = c.storage.analytics = "postgres";
  c.storage.sessions = c.storage.cache = "redis";
  c.postgres.url = "postgresql://app@db:5432/shortstack";
  c.postgres.replicas = {"a=postgresql://app:s3cret@10.78.1.1:5433/shortstack", "b=postgres://app@10.78.2.1:5433/ss"};
  c.server.zone = "a";
  EXPECT_TRUE(validate(c).empty());
  c.server.zone.clear();
  EXPECT_TRUE(mentions(validate(c), "needs 'server.zone'"));
  c.server.zone = "a";
  c.cache.l2_tombstone_ms = 2500;
  EXPECT_TRUE(mentions(validate(c), "must outlive any replica allowed to miss it"));
  c.cache.l2_tombstone_ms = 10'000;
  c.storage.cache = "memory";
  EXPECT_TRUE(mentions(validate(c), "needs 'storage.cache' = 'redis'"));
  c.storage.cache = "redis";
  c.postgres.replicas.push_back("Zone A=postgresql://app:s3cret@h/db");
  c.postgres.replicas.push_back("b=host=h password=s3cret");
  const auto e = validate(c);
  EXPECT_TRUE(mentions(e, "entry 3 must be ZONE=postgresql://"));
  EXPECT_TRUE(mentions(e, "entry 4 must be ZONE=postgresql://"));
  for (const auto& m : e) EXPECT_EQ(m.find("s3cret"), std::string::npos) << "never echo a URL";
}

TEST(Config, ParsesReplicaSettings) {
  const auto r = parse_replica_setting("b=postgresql://u@10.78.2.1:5433/db?sslmode=disable");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->zone, "b");
  EXPECT_EQ(r->url, "postgresql://u@10.78.2.1:5433/db?sslmode=disable");
  for (const char* bad : {"", "=postgresql://h/db", "b", "b=", "b=mysql://h/db", "B=postgresql://h/db"})
    EXPECT_FALSE(parse_replica_setting(bad).has_value()) << bad;
}

TEST(Config, SetRefusesUnknownKeysAndBadValues) {
  Config c;
  EXPECT_FALSE(set(c, "drain.grace_ms", "250"));
  EXPECT_EQ(c.drain.grace_ms, 250);
  EXPECT_TRUE(set(c, "drain.grace", "1"));
  EXPECT_TRUE(set(c, "auth.cookie_secure", "maybe"));
  EXPECT_FALSE(set(c, "auth.cookie_secure", "true"));
  EXPECT_TRUE(c.auth.cookie_secure);
}

TEST(Config, ParsesHostPort) {
  EXPECT_EQ(parse_host_port("127.0.0.1:80")->port, 80);
  EXPECT_EQ(parse_host_port("[::1]:8080")->host, "::1");
  EXPECT_FALSE(parse_host_port("localhost"));
  EXPECT_FALSE(parse_host_port("h:99999"));
}

}  // namespace
}  // namespace shortstack::config
