#pragma once
// The main stores (links, accounts, sessions, abuse reports) on the backends the configuration
// names: the seam where moving from stage 1 to stage 2 is a configuration change.
#include <memory>

#include "accounts/account_store.h"
#include "config/config.h"
#include "links/link_store.h"
#include "links/pg_link_store.h"
#include "moderation/abuse_report_store.h"
#include "sessions/session_store.h"
#include "links/change_feed.h"
#include "links/link_resolver.h"
#include "queue/queue.h"
#include "ratelimit/rate_limiter.h"
#include "store/pg/pg_pool.h"
#include "store/redis/redis_pool.h"
#include "store/sqlite_db.h"

namespace shortstack::app {

struct MainStores {
  std::shared_ptr<links::LinkStore> links;
  std::shared_ptr<accounts::AccountStore> accounts;
  std::shared_ptr<sessions::SessionStore> sessions;
  std::shared_ptr<moderation::AbuseReportStore> abuse_reports;  // beside the links, wherever they are
  links::PgReadRouting read_routing;  // the read replicas and write marks, when postgres.replicas are set
};

bool uses_postgres(const config::Config& c);
// The PostgreSQL pool when a store is "postgres" (migrated when storage.auto_migrate), else null.
Result<std::shared_ptr<store::pg::PgPool>> open_postgres(const config::Config& c);
// The analytics PostgreSQL when storage.analytics = "postgres" (migrated when auto_migrate), else null.
Result<std::shared_ptr<store::pg::PgPool>> open_analytics_postgres(const config::Config& c);
// The queue the configuration names: in-process, or NATS JetStream (connected, stream created).
Result<std::shared_ptr<queue::Queue>> open_queue(const config::Config& c);
// The Redis pool when a tier is "redis", else null. Never fails at start: Redis may come up later,
// and the tiers on it fail (closed) until it does.
std::shared_ptr<store::redis::RedisPool> open_redis(const config::Config& c);
MainStores main_stores(const config::Config& c, const std::shared_ptr<store::SqliteDb>& sqlite,
                       const std::shared_ptr<store::pg::PgPool>& postgres,
                       const std::shared_ptr<store::redis::RedisPool>& redis);
std::shared_ptr<ratelimit::RateLimiter> rate_limiter(const config::Config& c,
                                                     const std::shared_ptr<store::redis::RedisPool>& redis);
// L1 sizes and lifetimes, and the shared L2 when storage.cache = "redis".
links::ResolverOptions resolver_options(const config::Config& c, const std::shared_ptr<store::redis::RedisPool>& redis);
std::shared_ptr<links::ChangeFeed> change_feed(const config::Config& c,
                                               const std::shared_ptr<store::redis::RedisPool>& redis);

}  // namespace shortstack::app
