// RedisPool through Sentinel against real servers (scripts/test-redis-sentinel.sh, which `make test`
// starts): it finds the primary, and after the primary is killed it follows the failover without
// being rebuilt. The stage-4 drill redis-primary-kill does the same with three sentinels under load.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "store/redis/redis_pool.h"
#include "testing/test_env.h"

namespace shortstack::store::redis {
namespace {

RedisOptions through_sentinel() {
  const std::string sentinel = testing::required_env(
      "SHORTSTACK_TEST_REDIS_SENTINEL", "run `make test`, or scripts/test-redis-sentinel.sh DIR start and export its output");
  RedisOptions o;
  o.sentinels.emplace_back(sentinel.substr(0, sentinel.rfind(':')), std::stoi(sentinel.substr(sentinel.rfind(':') + 1)));
  o.master_name = "shortstack";
  o.retry_after = std::chrono::milliseconds(100);
  return o;
}

TEST(RedisSentinel, FindsThePrimaryAndFollowsAFailover) {
  const char* ctl = std::getenv("SHORTSTACK_TEST_REDIS_SENTINEL_CTL");
  ASSERT_NE(ctl, nullptr) << "SHORTSTACK_TEST_REDIS_SENTINEL_CTL names the script that kills the primary";
  // A replica in sync first: an earlier run (the ASan build runs this again) left one node killed.
  ASSERT_EQ(std::system((std::string(ctl) + " restore").c_str()), 0);

  RedisPool pool(through_sentinel());
  ASSERT_TRUE(pool.command({"SET", "sentinel-before", "1"})) << "writes go to the primary the sentinel names";
  ASSERT_EQ(std::system((std::string(ctl) + " kill-primary").c_str()), 0);

  // Bounded wait for the sentinel to promote the replica (about 2 s here); the same pool object
  // must get there by itself.
  bool written = false;
  for (int i = 0; i < 200 && !written; ++i) {
    written = static_cast<bool>(pool.command({"SET", "sentinel-after", "2"}));
    if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(written) << "no write succeeded after the failover";
  auto role = pool.command({"ROLE"});
  ASSERT_TRUE(role);
  EXPECT_EQ(std::string(role->at(0)->str), "master");
  auto after = pool.command({"GET", "sentinel-after"});
  ASSERT_TRUE(after && !after->nil());
  EXPECT_EQ(after->str(), "2");
}

}  // namespace
}  // namespace shortstack::store::redis
