#include "ratelimit/rate_limiter_contract.h"

#include <atomic>
#include <thread>

namespace shortstack::ratelimit {
namespace {

// A test binary may hold no backend of this seam (itests before the distributed ones exist).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(RateLimiterContract);

// A slow rate (1 per 100 s) keeps refill out of these tests, so they do not depend on timing.
constexpr Limit kSlow{0.01, 3};

TEST_P(RateLimiterContract, AllowsTheBurstThenRefuses) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter->acquire("burst", kSlow)->allowed) << "request " << i;
  auto refused = limiter->acquire("burst", kSlow);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->allowed);
  EXPECT_GT(refused->retry_after.count(), 0);
  EXPECT_LE(refused->retry_after.count(), 100'000);
}

TEST_P(RateLimiterContract, CheckAnswersLikeAcquireWithoutConsuming) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter->check("peek", kSlow)->allowed);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter->acquire("peek", kSlow)->allowed) << "checks took nothing";
  auto refused = limiter->check("peek", kSlow);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->allowed);
  EXPECT_GT(refused->retry_after.count(), 0);
}

TEST_P(RateLimiterContract, KeysAreIndependent) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter->acquire("a", kSlow)->allowed);
  EXPECT_FALSE(limiter->acquire("a", kSlow)->allowed);
  EXPECT_TRUE(limiter->acquire("b", kSlow)->allowed);
}

TEST_P(RateLimiterContract, RefillsOverTime) {
  const Limit fast{20, 1};  // one token every 50 ms
  ASSERT_TRUE(limiter->acquire("refill", fast)->allowed);
  bool allowed_again = false;
  for (int i = 0; i < 100 && !allowed_again; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    allowed_again = limiter->acquire("refill", fast)->allowed;
  }
  EXPECT_TRUE(allowed_again);
}

TEST_P(RateLimiterContract, ConcurrentCallersNeverExceedTheBurst) {
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i)
        if (limiter->acquire("shared", Limit{0.01, 10})->allowed) allowed++;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 10);
}

}  // namespace
}  // namespace shortstack::ratelimit
