#pragma once
// The test PostgreSQL: `make test` starts one throwaway server (scripts/test-postgres.sh) and passes
// its URL in $SHORTSTACK_TEST_PG_URL. Each pool made here lives in a fresh schema with the
// migrations applied, so every contract test starts from empty tables without a new database.
#include <memory>
#include <string>

#include "store/pg/pg_pool.h"

namespace shortstack::testing {

// The server's URL; throws (failing the test, never skipping it) when no server was started.
std::string test_pg_url();
// A new, empty schema's name (for servers started with postgres.search_path set to it).
std::string temp_pg_schema();
// A migrated, empty schema; `options` may tune the pool (its url and search_path are set here).
// With `migrated` false the schema is left empty.
std::shared_ptr<store::pg::PgPool> temp_pg_pool(store::pg::PoolOptions options = {}, bool migrated = true);

// The same through the test PgBouncer ($SHORTSTACK_TEST_PGBOUNCER, transaction mode): a fresh
// database each (PgBouncer drops startup options, so a schema cannot be chosen per connection).
std::shared_ptr<store::pg::PgPool> temp_pgbouncer_pool();

}  // namespace shortstack::testing
