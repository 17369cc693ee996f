#include "ratelimit/redis_rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/crypto.h"

namespace shortstack::ratelimit {
namespace {

// KEYS[1]: the key. ARGV: interval between tokens (ms), tolerance (ms), "1" to consume.
// Returns {allowed, retry_after_ms}. Same arithmetic as MemoryRateLimiter.
constexpr const char* kGcra = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
if tat - now > tolerance then
  return {0, math.max(1, math.ceil(tat - tolerance - now))}
end
if ARGV[3] == '1' then
  local next = tat + interval
  redis.call('SET', KEYS[1], string.format('%.3f', next), 'PX', math.ceil(next - now) + 1000)
end
return {1, 0}
)lua";

const std::string& script_sha() {
  static const std::string sha = hex(sha1(kGcra));
  return sha;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

Result<Decision> RedisRateLimiter::acquire(std::string_view key, const Limit& limit) { return run(key, limit, true); }
Result<Decision> RedisRateLimiter::check(std::string_view key, const Limit& limit) { return run(key, limit, false); }

Result<Decision> RedisRateLimiter::run(std::string_view key, const Limit& limit, bool consume) {
  const double interval_ms = 1000.0 / std::max(limit.per_second, 1e-9);
  const double tolerance_ms = interval_ms * std::max(0.0, std::ceil(limit.burst) - 1);
  const std::string full_key = prefix_ + std::string(key);
  std::vector<std::string> args = {"EVALSHA", script_sha(), "1", full_key, number(interval_ms), number(tolerance_ms),
                                   consume ? "1" : "0"};
  auto reply = redis_->command(args);
  if (!reply && reply.error().code == "noscript") {  // first use on this server: send the script itself
    args[0] = "EVAL";
    args[1] = kGcra;
    reply = redis_->command(args);
  }
  if (!reply) return reply.error();
  if (reply->type() != REDIS_REPLY_ARRAY || reply->size() != 2) return internal_error("unexpected GCRA reply");
  const bool allowed = reply->at(0)->integer == 1;
  return Decision{allowed, std::chrono::milliseconds(allowed ? 0 : reply->at(1)->integer)};
}

}  // namespace shortstack::ratelimit
