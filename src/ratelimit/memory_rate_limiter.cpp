#include "ratelimit/memory_rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace shortstack::ratelimit {

Result<Decision> MemoryRateLimiter::acquire(std::string_view key, const Limit& limit) { return decide(key, limit, true); }

Result<Decision> MemoryRateLimiter::check(std::string_view key, const Limit& limit) { return decide(key, limit, false); }

Decision MemoryRateLimiter::decide(std::string_view key, const Limit& limit, bool consume) {
  using std::chrono::duration_cast;
  using std::chrono::nanoseconds;
  const auto now = clock_();
  const auto interval = nanoseconds(static_cast<int64_t>(1e9 / std::max(limit.per_second, 1e-9)));
  const auto tolerance = interval * static_cast<int64_t>(std::max(0.0, std::ceil(limit.burst) - 1));

  std::lock_guard lock(mu_);
  const auto tat = std::max(tat_.get(key, now).value_or(now), now);
  if (tat - now > tolerance) {
    const auto wait = tat - tolerance - now;
    return Decision{false, std::max(std::chrono::milliseconds(1),
                                    std::chrono::ceil<std::chrono::milliseconds>(wait))};
  }
  if (!consume) return Decision{true, std::chrono::milliseconds(0)};
  const auto next = tat + interval;
  // The entry is useless once `next` has passed: the key is then back to a full burst.
  tat_.put(key, next, next + std::chrono::seconds(1));
  return Decision{true, std::chrono::milliseconds(0)};
}

}  // namespace shortstack::ratelimit
