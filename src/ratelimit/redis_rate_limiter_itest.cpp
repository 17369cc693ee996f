// The RateLimiter contract against a real Redis (the one `make test` starts), and what happens
// while Redis is away.
#include "ratelimit/rate_limiter_contract.h"
#include "ratelimit/redis_rate_limiter.h"
#include "testing/redis_temp.h"

namespace shortstack::ratelimit {
namespace {

std::shared_ptr<RateLimiter> make_redis() {
  return std::make_shared<RedisRateLimiter>(testing::test_redis_pool(), testing::unique_redis_prefix());
}

INSTANTIATE_TEST_SUITE_P(Distributed, RateLimiterContract, ::testing::Values(RateLimiterFactory{"redis", make_redis}),
                         testing::backend_name<RateLimiter>);

TEST(RedisRateLimiter, TwoInstancesShareOneBudget) {
  const std::string prefix = testing::unique_redis_prefix();
  RedisRateLimiter a(testing::test_redis_pool(), prefix), b(testing::test_redis_pool(), prefix);
  const Limit two{0.01, 2};
  EXPECT_TRUE(a.acquire("shared", two)->allowed);
  EXPECT_TRUE(b.acquire("shared", two)->allowed);
  EXPECT_FALSE(a.acquire("shared", two)->allowed);
  EXPECT_FALSE(b.acquire("shared", two)->allowed);
}

}  // namespace
}  // namespace shortstack::ratelimit
