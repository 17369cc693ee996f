#include "testing/pg_temp.h"

#include "testing/test_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shortstack::testing {

std::string test_pg_url() {
  return required_env("SHORTSTACK_TEST_PG_URL", "start scripts/test-postgres.sh DIR start and export the URL it prints");
}

std::string temp_pg_schema() {
  const std::string schema = unique_test_name("t");
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
  const std::string bouncer =
      required_env("SHORTSTACK_TEST_PGBOUNCER", "start scripts/test-pgbouncer.sh DIR start HOST PORT and export its URL");
  const std::string db = unique_test_name("b");
  store::pg::PoolOptions direct;
  direct.url = test_pg_url();
  direct.size = 1;
  auto admin = store::pg::PgPool::open(direct);
  if (!admin) throw std::runtime_error("test PostgreSQL: " + admin.error().message);
  if (auto r = (*admin)->exec("CREATE DATABASE " + db, {}); !r) throw std::runtime_error(r.error().message);
  store::pg::PoolOptions through;
  through.url = bouncer + "/" + db;
  auto pool = store::pg::PgPool::open(through);
  if (!pool) throw std::runtime_error("test PgBouncer: " + pool.error().message);
  if (auto m = (*pool)->migrate(store::postgres_migrations()); !m) throw std::runtime_error(m.error().message);
  return *pool;
}

}  // namespace shortstack::testing
