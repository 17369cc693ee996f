#pragma once
// The RateLimiter seam. Limits are GCRA (the generic cell rate algorithm): equivalent to a token
// bucket of `burst` tokens refilled at `per_second`, but stored as one timestamp per key.
#include <chrono>
#include <string_view>

#include "core/result.h"

namespace shortstack::ratelimit {

struct Limit {
  double per_second = 1;
  double burst = 1;
};

struct Decision {
  bool allowed = true;
  std::chrono::milliseconds retry_after{0};  // when refused: how long until one request would pass
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  virtual Result<Decision> acquire(std::string_view key, const Limit& limit) = 0;
  // Whether acquire() would allow one now, without consuming: for limits charged only on failure
  // (failed logins are counted after the password check, but must refuse before it).
  virtual Result<Decision> check(std::string_view key, const Limit& limit) = 0;
};

}  // namespace shortstack::ratelimit
