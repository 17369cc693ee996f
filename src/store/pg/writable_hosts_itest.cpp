// The pool's own search for the writable node, against the test primary and its streaming replica
// (scripts/test-postgres.sh, scripts/test-postgres-replica.sh): it must settle on the primary
// whatever order the hosts come in, and skip a host that does not answer.
#include <gtest/gtest.h>

#include "store/pg/pg_pool.h"
#include "testing/pg_temp.h"
#include "testing/test_env.h"

namespace shortstack::store::pg {
namespace {

// "postgresql://postgres@127.0.0.1:PORT/postgres" -> "PORT"
std::string port_of(const std::string& url) {
  const auto colon = url.rfind(':');
  return url.substr(colon + 1, url.find('/', colon) - colon - 1);
}

bool on_standby(PgPool& pool) {
  auto r = pool.exec("SELECT pg_is_in_recovery()", {});
  EXPECT_TRUE(r) << r.error().message;
  return r && r->boolean(0, 0);
}

TEST(WritableHostsAgainstServers, APoolAskingForReadWriteSkipsTheStandbyAndADeadHost) {
  const std::string primary = port_of(testing::test_pg_url());
  const std::string replica = port_of(testing::required_env("SHORTSTACK_TEST_PG_REPLICA_URL", "scripts/test-postgres-replica.sh"));
  for (const std::string& ports : {replica + "," + primary + ",1", "1," + replica + "," + primary}) {
    PoolOptions o;
    o.url = "host=127.0.0.1,127.0.0.1,127.0.0.1 port=" + ports +
            " user=postgres dbname=postgres connect_timeout=2 target_session_attrs=read-write";
    auto pool = PgPool::open(o);
    ASSERT_TRUE(pool) << pool.error().message;
    EXPECT_FALSE(on_standby(**pool)) << "ports " << ports;
  }
}

TEST(WritableHostsAgainstServers, WithoutReadWriteAnyHostWillDo) {
  const std::string replica = port_of(testing::required_env("SHORTSTACK_TEST_PG_REPLICA_URL", "scripts/test-postgres-replica.sh"));
  PoolOptions o;
  o.url = "host=127.0.0.1 port=" + replica + " user=postgres dbname=postgres";
  auto pool = PgPool::open(o);
  ASSERT_TRUE(pool) << pool.error().message;
  EXPECT_TRUE(on_standby(**pool));
}

TEST(WritableHostsAgainstServers, NoWritableHostIsA503NotAStandby) {
  const std::string replica = port_of(testing::required_env("SHORTSTACK_TEST_PG_REPLICA_URL", "scripts/test-postgres-replica.sh"));
  PoolOptions o;
  o.url = "host=127.0.0.1,127.0.0.1 port=" + replica + ",1 user=postgres dbname=postgres connect_timeout=1 "
          "target_session_attrs=read-write";
  auto pool = PgPool::open(o);
  ASSERT_FALSE(pool);
  EXPECT_EQ(pool.error().http_status, 503);
}

}  // namespace
}  // namespace shortstack::store::pg
