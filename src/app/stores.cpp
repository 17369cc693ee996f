#include "app/stores.h"

#include "accounts/pg_account_store.h"
#include "accounts/sqlite_account_store.h"
#include "cache/redis_cache.h"
#include "links/pg_link_store.h"
#include "links/sqlite_link_store.h"
#include "moderation/pg_abuse_report_store.h"
#include "moderation/sqlite_abuse_report_store.h"
#include "links/redis_change_feed.h"
#include "queue/memory_queue.h"
#include "queue/nats_queue.h"
#include "ratelimit/memory_rate_limiter.h"
#include "ratelimit/redis_rate_limiter.h"
#include "sessions/pg_session_store.h"
#include "sessions/redis_session_store.h"
#include "sessions/sqlite_session_store.h"

namespace shortstack::app {

bool uses_postgres(const config::Config& c) {
  return c.storage.links == "postgres" || c.storage.accounts == "postgres" || c.storage.sessions == "postgres";
}

namespace {

// The [postgres] pool settings for one server; replicas and primaries alike.
store::pg::PoolOptions pool_options(const config::Config& c, const std::string& url) {
  store::pg::PoolOptions o;
  o.url = url;
  o.size = static_cast<size_t>(c.postgres.pool_size);
  o.max_waiters = static_cast<size_t>(c.postgres.pool_max_waiters);
  o.timeout = std::chrono::milliseconds(c.postgres.timeout_ms);
  o.statement_timeout = std::chrono::milliseconds(c.postgres.statement_timeout_ms);
  o.search_path = c.postgres.search_path;
  return o;
}

Result<std::shared_ptr<store::pg::PgPool>> open_pool(const config::Config& c, const std::string& url,
                                                     const std::vector<store::Migration>& migrations,
                                                     const std::string& table) {
  const store::pg::PoolOptions o = pool_options(c, url);
  auto pool = store::pg::PgPool::open(o);
  // The URL may hold a password: errors name the server's answer, never the URL.
  if (!pool) return make_error(503, pool.error().code, "PostgreSQL: " + pool.error().message);
  if (c.storage.auto_migrate)
    if (auto m = (*pool)->migrate(migrations, table); !m) return m.error();
  return *pool;
}

}  // namespace

Result<std::shared_ptr<store::pg::PgPool>> open_postgres(const config::Config& c) {
  if (!uses_postgres(c)) return std::shared_ptr<store::pg::PgPool>();
  return open_pool(c, c.postgres.url, store::postgres_migrations(), "schema_migrations");
}

Result<std::shared_ptr<store::pg::PgPool>> open_analytics_postgres(const config::Config& c) {
  if (c.storage.analytics != "postgres") return std::shared_ptr<store::pg::PgPool>();
  const std::string& url = c.postgres.analytics_url.empty() ? c.postgres.url : c.postgres.analytics_url;
  return open_pool(c, url, store::analytics_postgres_migrations(), "analytics_schema_migrations");
}

Result<std::shared_ptr<queue::Queue>> open_queue(const config::Config& c) {
  if (c.storage.queue != "nats")
    return std::shared_ptr<queue::Queue>(
        std::make_shared<queue::MemoryQueue>(std::chrono::milliseconds(config::kInProcessQueueAckTimeoutMs)));
  queue::NatsOptions o;
  o.url = c.nats.url;
  o.stream = c.nats.stream;
  o.subject_prefix = c.nats.subject_prefix;
  o.ack_wait = std::chrono::milliseconds(c.nats.ack_wait_ms);
  auto q = queue::NatsQueue::open(o);
  if (!q) return q.error();
  return std::shared_ptr<queue::Queue>(*q);
}

std::shared_ptr<store::redis::RedisPool> open_redis(const config::Config& c) {
  if (c.storage.sessions != "redis" && c.storage.rate_limiter != "redis" && c.storage.cache != "redis" &&
      c.storage.leaderboard != "redis")
    return nullptr;
  const auto hp = config::parse_host_port(c.redis.address);
  store::redis::RedisOptions o;
  o.host = hp->host;
  o.port = hp->port;
  o.password = c.redis.password;
  for (const auto& s : c.redis.sentinels) {
    const auto sentinel = config::parse_host_port(s);
    o.sentinels.emplace_back(sentinel->host, sentinel->port);
  }
  o.master_name = c.redis.master_name;
  o.size = static_cast<size_t>(c.redis.pool_size);
  o.timeout = std::chrono::milliseconds(c.redis.timeout_ms);
  return std::make_shared<store::redis::RedisPool>(o);
}

std::shared_ptr<ratelimit::RateLimiter> rate_limiter(const config::Config& c,
                                                     const std::shared_ptr<store::redis::RedisPool>& redis) {
  if (c.storage.rate_limiter == "redis") return std::make_shared<ratelimit::RedisRateLimiter>(redis);
  return std::make_shared<ratelimit::MemoryRateLimiter>();
}

links::ResolverOptions resolver_options(const config::Config& c, const std::shared_ptr<store::redis::RedisPool>& redis) {
  links::ResolverOptions o;
  o.l1_entries = static_cast<size_t>(c.cache.l1_entries);
  o.positive_ttl = std::chrono::milliseconds(config::l1_positive_ttl_ms(c));
  o.negative_ttl = std::chrono::milliseconds(c.cache.negative_ttl_ms);
  if (c.storage.cache == "redis") o.l2 = std::make_shared<cache::RedisCache>(redis);
  o.l2_ttl = std::chrono::milliseconds(c.cache.l2_ttl_ms);
  o.l2_tombstone_ttl = std::chrono::milliseconds(c.cache.l2_tombstone_ms);
  return o;
}

std::shared_ptr<links::ChangeFeed> change_feed(const config::Config& c,
                                               const std::shared_ptr<store::redis::RedisPool>& redis) {
  if (c.storage.cache == "redis") return std::make_shared<links::RedisChangeFeed>(redis);
  return std::make_shared<links::LocalChangeFeed>();
}

links::PgReadRouting read_routing(const config::Config& c, const std::shared_ptr<store::pg::PgPool>& pg,
                                  const std::shared_ptr<store::redis::RedisPool>& redis) {
  if (c.postgres.replicas.empty()) return {};
  store::pg::ReplicaSetOptions o;
  for (const auto& text : c.postgres.replicas) {
    const auto r = config::parse_replica_setting(text);  // validated at start
    o.replicas.push_back({r->zone, r->url});
  }
  o.local_zone = c.server.zone;
  o.max_lag = std::chrono::milliseconds(c.postgres.replica_max_lag_ms);
  o.probe_interval = std::chrono::milliseconds(c.postgres.topology_probe_ms);
  o.pool = pool_options(c, "");  // each replica's url is set by the replica set
  // A replica that cannot answer soon is skipped for the primary: shorter than the primary's wait.
  o.pool.timeout = std::min(o.pool.timeout, std::chrono::milliseconds(1000));
  // A change's marker outlives this window plus the lag limit and a probe: see pick_during_outage.
  o.outage_reads = std::chrono::milliseconds(
      std::max<int64_t>(0, c.cache.l2_tombstone_ms - c.postgres.replica_max_lag_ms - c.postgres.topology_probe_ms));
  links::PgReadRouting routing;
  routing.replicas = std::make_shared<store::pg::PgReplicaSet>(pg, o);
  // A mark must outlive the staleness any fit replica may have, plus one probe of slack.
  const auto mark_lifetime = o.max_lag + 2 * o.probe_interval;
  routing.marks = std::make_shared<store::pg::WriteMarks>(std::make_shared<cache::RedisCache>(redis, "ss:"), mark_lifetime);
  routing.replicas->start();
  return routing;
}

MainStores main_stores(const config::Config& c, const std::shared_ptr<store::SqliteDb>& sqlite,
                       const std::shared_ptr<store::pg::PgPool>& pg,
                       const std::shared_ptr<store::redis::RedisPool>& redis) {
  MainStores s;
  if (c.storage.links == "postgres") {
    s.read_routing = read_routing(c, pg, redis);
    s.links = std::make_shared<links::PgLinkStore>(pg, s.read_routing);
    s.abuse_reports = std::make_shared<moderation::PgAbuseReportStore>(pg);
  } else {
    s.links = std::make_shared<links::SqliteLinkStore>(sqlite);
    s.abuse_reports = std::make_shared<moderation::SqliteAbuseReportStore>(sqlite);
  }
  if (c.storage.accounts == "postgres") s.accounts = std::make_shared<accounts::PgAccountStore>(pg);
  else s.accounts = std::make_shared<accounts::SqliteAccountStore>(sqlite);
  if (c.storage.sessions == "postgres") s.sessions = std::make_shared<sessions::PgSessionStore>(pg);
  else if (c.storage.sessions == "redis") s.sessions = std::make_shared<sessions::RedisSessionStore>(redis);
  else s.sessions = std::make_shared<sessions::SqliteSessionStore>(sqlite);
  return s;
}

}  // namespace shortstack::app
