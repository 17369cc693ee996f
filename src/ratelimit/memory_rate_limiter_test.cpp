#include "ratelimit/memory_rate_limiter.h"
#include "ratelimit/rate_limiter_contract.h"

namespace shortstack::ratelimit {
namespace {

std::shared_ptr<RateLimiter> make_memory() { return std::make_shared<MemoryRateLimiter>(); }

INSTANTIATE_TEST_SUITE_P(Embedded, RateLimiterContract, ::testing::Values(RateLimiterFactory{"memory", make_memory}),
                         testing::backend_name<RateLimiter>);

TEST(MemoryRateLimiter, RetryAfterMatchesTheRateWithAFakeClock) {
  auto now = std::chrono::steady_clock::now();
  MemoryRateLimiter limiter(100, [&now] { return now; });
  const Limit one_per_second{1, 1};
  EXPECT_TRUE(limiter.acquire("k", one_per_second)->allowed);
  auto refused = limiter.acquire("k", one_per_second);
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->retry_after.count(), 1000);
  now += std::chrono::milliseconds(999);
  EXPECT_FALSE(limiter.acquire("k", one_per_second)->allowed);
  now += std::chrono::milliseconds(1);
  EXPECT_TRUE(limiter.acquire("k", one_per_second)->allowed);
}

}  // namespace
}  // namespace shortstack::ratelimit
