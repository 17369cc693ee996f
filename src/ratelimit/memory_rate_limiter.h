#pragma once
#include <functional>

#include "cache/flat_cache.h"
#include "ratelimit/rate_limiter.h"

namespace shortstack::ratelimit {

// In-process GCRA. Keys idle long enough to be fully refilled expire from the LRU, which bounds memory
// without ever forgetting a key that is still being limited.
class MemoryRateLimiter final : public RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit MemoryRateLimiter(size_t max_keys = 100000, std::function<Clock::time_point()> clock = Clock::now)
      : tat_(max_keys), clock_(std::move(clock)) {}
  Result<Decision> acquire(std::string_view key, const Limit& limit) override;
  Result<Decision> check(std::string_view key, const Limit& limit) override;

 private:
  Decision decide(std::string_view key, const Limit& limit, bool consume);
  cache::FlatCache<Clock::time_point> tat_;  // theoretical arrival time per key
  std::mutex mu_;  // GCRA is read-modify-write; shards make it cheap but it must be atomic per key
  std::function<Clock::time_point()> clock_;
};

}  // namespace shortstack::ratelimit
