#pragma once
#include "ratelimit/rate_limiter.h"
#include "testing/contract.h"

namespace shortstack::ratelimit {

using RateLimiterFactory = testing::BackendFactory<RateLimiter>;

class RateLimiterContract : public ::testing::TestWithParam<RateLimiterFactory> {
 protected:
  void SetUp() override { limiter = GetParam().make(); }
  std::shared_ptr<RateLimiter> limiter;
};

}  // namespace shortstack::ratelimit
