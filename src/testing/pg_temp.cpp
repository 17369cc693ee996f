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

namespace {

// For creating and migrating a test's schema or database, which is not what the test measures. The
// pools' own 2 s statement timeout is too short for it on a loaded machine: under ASan, with the
// other servers busy, a CREATE DATABASE through it was cancelled in a CI rehearsal.
store::pg::PoolOptions fixture_options(std::string url, std::string search_path = {}) {
  store::pg::PoolOptions o;
  o.url = std::move(url);
  o.size = 1;
  o.timeout = std::chrono::seconds(60);
  o.statement_timeout = std::chrono::seconds(60);
  o.search_path = std::move(search_path);
  return o;
}

std::shared_ptr<store::pg::PgPool> open_or_throw(const store::pg::PoolOptions& options, const char* what) {
  auto pool = store::pg::PgPool::open(options);
  if (!pool) throw std::runtime_error(std::string(what) + ": " + pool.error().message);
  return *pool;
}

// Runs `sql` on the test server directly (not through PgBouncer): CREATE SCHEMA, CREATE DATABASE.
void admin_exec(const std::string& sql) {
  auto admin = open_or_throw(fixture_options(test_pg_url()), "test PostgreSQL");
  if (auto r = admin->exec(sql, {}); !r) throw std::runtime_error(r.error().message);
}

void migrate_or_throw(const store::pg::PoolOptions& options, const char* what) {
  auto pool = open_or_throw(options, what);
  if (auto m = pool->migrate(store::postgres_migrations()); !m) throw std::runtime_error(m.error().message);
}

}  // namespace

std::string temp_pg_schema() {
  const std::string schema = unique_test_name("t");
  admin_exec("CREATE SCHEMA " + schema);
  return schema;
}

std::shared_ptr<store::pg::PgPool> temp_pg_pool(store::pg::PoolOptions options, bool migrated) {
  options.url = test_pg_url();
  options.search_path = temp_pg_schema();
  if (migrated) migrate_or_throw(fixture_options(options.url, options.search_path), "test PostgreSQL");
  return open_or_throw(options, "test PostgreSQL");
}

std::shared_ptr<store::pg::PgPool> temp_pgbouncer_pool() {
  const std::string bouncer =
      required_env("SHORTSTACK_TEST_PGBOUNCER", "start scripts/test-pgbouncer.sh DIR start HOST PORT and export its URL");
  const std::string db = unique_test_name("b");
  admin_exec("CREATE DATABASE " + db);
  store::pg::PoolOptions through;
  through.url = bouncer + "/" + db;
  migrate_or_throw(fixture_options(through.url), "test PgBouncer");
  return open_or_throw(through, "test PgBouncer");
}

}  // namespace shortstack::testing
