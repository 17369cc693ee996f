// The PostgreSQL pool against a real server: the bounded wait, both timeouts, recovery from a lost
// connection, and migrations that race.
#include "store/pg/pg_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "testing/pg_temp.h"

namespace shortstack::store::pg {
namespace {

using namespace std::chrono_literals;

// Holds the pool's only connection for `hold` in a background thread.
std::thread hold_connection(PgPool& pool, std::chrono::milliseconds hold, std::atomic<bool>& holding) {
  return std::thread([&pool, hold, &holding] {
    (void)pool.run<bool>([&](PgConn&, Clock::time_point) -> Result<bool> {
      holding = true;
      std::this_thread::sleep_for(hold);
      return true;
    });
  });
}

struct Tuning {
  size_t size = 16, max_waiters = 64;
  std::chrono::milliseconds timeout = 3000ms, statement_timeout = 2000ms;
};

PoolOptions tuned(const Tuning& t) {
  PoolOptions o;
  o.size = t.size;
  o.max_waiters = t.max_waiters;
  o.timeout = t.timeout;
  o.statement_timeout = t.statement_timeout;
  return o;
}

void wait_for(const std::atomic<bool>& flag) {
  for (int i = 0; i < 500 && !flag; ++i) std::this_thread::sleep_for(2ms);
}

TEST(PgPool, FailsFastWhenEveryConnectionIsBusyAndTheWaitQueueIsFull) {
  auto pool = testing::temp_pg_pool(tuned({.size = 1, .max_waiters = 0}));
  std::atomic<bool> holding{false};
  auto holder = hold_connection(*pool, 500ms, holding);
  wait_for(holding);
  auto r = pool->exec("SELECT 1", {});
  holder.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "db_busy");
  EXPECT_EQ(r.error().http_status, 503);
  EXPECT_TRUE(pool->exec("SELECT 1", {})) << "free again once returned";
}

TEST(PgPool, AWaiterGivesUpAtTheDeadline) {
  auto pool = testing::temp_pg_pool(tuned({.size = 1, .max_waiters = 4, .timeout = 100ms}));
  std::atomic<bool> holding{false};
  auto holder = hold_connection(*pool, 800ms, holding);
  wait_for(holding);
  auto r = pool->exec("SELECT 1", {});
  holder.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "db_timeout");
}

TEST(PgPool, StatementTimeoutStopsALongStatementOnTheServer) {
  auto pool = testing::temp_pg_pool(tuned({.statement_timeout = 100ms}));
  auto r = pool->exec("SELECT pg_sleep(5)", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "db_timeout") << r.error().message;
  EXPECT_TRUE(pool->exec("SELECT 1", {}));
}

TEST(PgPool, TheClientDeadlineCancelsAndDropsTheConnection) {
  // statement_timeout far away: only the client's own deadline can end this.
  auto pool = testing::temp_pg_pool(tuned({.size = 1, .timeout = 300ms, .statement_timeout = 60s}));
  auto r = pool->exec("SELECT pg_sleep(5)", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "db_timeout");
  auto next = pool->exec("SELECT 41 + 1", {});
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(next->int64(0, 0), 42);
}

TEST(PgPool, ALostConnectionIsReplaced) {
  auto pool = testing::temp_pg_pool(tuned({.size = 1}));
  auto killed = pool->exec("SELECT pg_terminate_backend(pg_backend_pid())", {});
  EXPECT_FALSE(killed);
  auto next = pool->exec("SELECT 1", {});
  EXPECT_TRUE(next) << next.error().message;
}

TEST(PgPool, ErrorsAreNamedAndATransactionRollsBack) {
  auto pool = testing::temp_pg_pool();
  ASSERT_TRUE(pool->exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)", {}));
  ASSERT_TRUE(pool->exec("INSERT INTO kv VALUES ($1, $2)", {"a", "1"}));
  auto dup = pool->exec("INSERT INTO kv VALUES ($1, $2)", {"a", "2"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "unique_violation");
  auto failed = pool->transaction<bool>([](PgConn& c, Clock::time_point deadline) -> Result<bool> {
    if (auto r = c.exec("INSERT INTO kv VALUES ('b', '1')", {}, deadline); !r) return r.error();
    return make_error(400, "changed_mind", "roll it back");
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(pool->exec("SELECT count(*) FROM kv", {})->int64(0, 0), 1) << "the insert was rolled back";
  auto odd = pool->exec("SELECT $1::text, $2::bigint, $3::text IS NULL", {"it's \"quoted\" ; DROP TABLE kv", int64_t{-7}, std::nullopt});
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->text(0, 0), "it's \"quoted\" ; DROP TABLE kv") << "parameters are never spliced into SQL";
  EXPECT_EQ(odd->int64(0, 1), -7);
  EXPECT_TRUE(odd->boolean(0, 2));
}

TEST(PgPool, MigrationsRacingFromSeveralInstancesApplyEachOnce) {
  auto pool = testing::temp_pg_pool({}, false);
  std::atomic<int> applied{0};
  std::vector<std::thread> instances;
  for (int i = 0; i < 4; ++i)
    instances.emplace_back([&] {
      auto n = pool->migrate(postgres_migrations());
      if (n) applied += *n;
      else applied += 1000;
    });
  for (auto& t : instances) t.join();
  EXPECT_EQ(applied.load(), static_cast<int>(postgres_migrations().size()));
  EXPECT_EQ(pool->exec("SELECT count(*) FROM schema_migrations", {})->int64(0, 0),
            static_cast<int64_t>(postgres_migrations().size()));
}

TEST(PgPool, AWrongUrlFailsAtOpen) {
  PoolOptions o = tuned({.size = 1});
  o.url = "postgresql://postgres@127.0.0.1:1/none";
  auto pool = PgPool::open(o);
  ASSERT_FALSE(pool);
  EXPECT_EQ(pool.error().http_status, 503);
}

}  // namespace
}  // namespace shortstack::store::pg
