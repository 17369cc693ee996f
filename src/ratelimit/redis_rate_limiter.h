#pragma once
// GCRA in Redis, shared by every instance: one Lua script reads and advances a key's theoretical
// arrival time atomically, on Redis's clock (TIME), so instances with skewed clocks agree. Keys
// expire once fully refilled. Redis being down is an error the caller must treat as a refusal
// (the API answers 503): a limiter that cannot be consulted never becomes an open door.
#include <memory>

#include "ratelimit/rate_limiter.h"
#include "store/redis/redis_pool.h"

namespace shortstack::ratelimit {

class RedisRateLimiter final : public RateLimiter {
 public:
  explicit RedisRateLimiter(std::shared_ptr<store::redis::RedisPool> redis, std::string prefix = "ss:rl:")
      : redis_(std::move(redis)), prefix_(std::move(prefix)) {}
  Result<Decision> acquire(std::string_view key, const Limit& limit) override;
  Result<Decision> check(std::string_view key, const Limit& limit) override;

 private:
  Result<Decision> run(std::string_view key, const Limit& limit, bool consume);

  std::shared_ptr<store::redis::RedisPool> redis_;
  std::string prefix_;
};

}  // namespace shortstack::ratelimit
