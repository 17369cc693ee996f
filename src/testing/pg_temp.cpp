#include "testing/pg_temp.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shortstack::testing {

std::string test_pg_url() {
  const char* url = std::getenv("SHORTSTACK_TEST_PG_URL");
  if (!url || !*url)
    throw std::runtime_error("SHORTSTACK_TEST_PG_URL is not set: run the tests with `make test`, or start "
                             "scripts/test-postgres.sh DIR start and export the URL it prints");
  return url;
}

std::string temp_pg_schema() {
  static std::atomic<int> n{0};
  const std::string schema = "t" + std::to_string(getpid()) + "_" + std::to_string(n++);
  store::pg::PoolOptions one;
  one.url = test_pg_url();
  one.size = 1;
  auto admin = store::pg::PgPool::open(one);
  if (!admin) throw std::runtime_error("test PostgreSQL: " + admin.error().message);
  if (auto r = (*admin)->exec("CREATE SCHEMA " + schema, {}); !r) throw std::runtime_error(r.error().message);
  return schema;
}

std::shared_ptr<store::pg::PgPool> temp_pg_pool(store::pg::PoolOptions options, bool migrated) {
  options.url = test_pg_url();
  options.search_path = temp_pg_schema();
  auto pool = store::pg::PgPool::open(options);
  if (!pool) throw std::runtime_error("test PostgreSQL: " + pool.error().message);
  if (!migrated) return *pool;
  if (auto m = (*pool)->migrate(store::postgres_migrations()); !m) throw std::runtime_error(m.error().message);
  return *pool;
}

std::shared_ptr<store::pg::PgPool> temp_pgbouncer_pool() {
  const char* bouncer = std::getenv("SHORTSTACK_TEST_PGBOUNCER");
  if (!bouncer || !*bouncer)
    throw std::runtime_error("SHORTSTACK_TEST_PGBOUNCER is not set: run the tests with `make test`");
  static std::atomic<int> n{0};
  const std::string db = "b" + std::to_string(getpid()) + "_" + std::to_string(n++);
  store::pg::PoolOptions direct;
  direct.url = test_pg_url();
  direct.size = 1;
  auto admin = store::pg::PgPool::open(direct);
  if (!admin) throw std::runtime_error("test PostgreSQL: " + admin.error().message);
  if (auto r = (*admin)->exec("CREATE DATABASE " + db, {}); !r) throw std::runtime_error(r.error().message);
  store::pg::PoolOptions through;
  through.url = std::string(bouncer) + "/" + db;
  auto pool = store::pg::PgPool::open(through);
  if (!pool) throw std::runtime_error("test PgBouncer: " + pool.error().message);
  if (auto m = (*pool)->migrate(store::postgres_migrations()); !m) throw std::runtime_error(m.error().message);
  return *pool;
}

}  // namespace shortstack::testing
