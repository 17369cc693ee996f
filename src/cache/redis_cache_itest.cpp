// The Cache contract against a real Redis (the one `make test` starts), the same suite the in-process
// cache passes, and what the cache does while Redis is away.
#include "cache/cache_contract.h"
#include "cache/redis_cache.h"
#include "testing/redis_temp.h"

namespace shortstack::cache {
namespace {

std::shared_ptr<Cache> make_redis() {
  return std::make_shared<RedisCache>(testing::test_redis_pool(), testing::unique_redis_prefix());
}

INSTANTIATE_TEST_SUITE_P(Distributed, CacheContract, ::testing::Values(CacheFactory{"redis", make_redis}),
                         testing::backend_name<Cache>);

TEST(RedisCache, TwoInstancesShareEntries) {
  const std::string prefix = testing::unique_redis_prefix();
  RedisCache a(testing::test_redis_pool(), prefix), b(testing::test_redis_pool(), prefix);
  ASSERT_TRUE(a.put("shared", "from-a", std::chrono::seconds(60)));
  auto seen = b.get("shared");
  ASSERT_TRUE(seen && seen->has_value());
  EXPECT_EQ((*seen)->value, "from-a");
}

TEST(RedisCache, ForeignValuesReadAsMisses) {
  const std::string prefix = testing::unique_redis_prefix();
  ASSERT_TRUE(testing::test_redis_pool()->command({"SET", prefix + "foreign", "no tag here"}));
  RedisCache cache(testing::test_redis_pool(), prefix);
  auto r = cache.get("foreign");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_value());
}

TEST(RedisCache, AnUnreachableRedisIsAnErrorNotAMiss) {
  store::redis::RedisOptions o;
  o.port = 1;  // nothing listens there
  o.timeout = std::chrono::milliseconds(100);
  RedisCache cache(std::make_shared<store::redis::RedisPool>(o), "ss:l2:");
  EXPECT_FALSE(cache.get("k"));
  EXPECT_FALSE(cache.add("k", CacheValue{false, "v"}, std::chrono::seconds(1)));
}

}  // namespace
}  // namespace shortstack::cache
