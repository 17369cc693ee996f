#include "cache/redis_cache.h"

#include <algorithm>

namespace shortstack::cache {

namespace {

constexpr char kValueTag = 'v';
constexpr char kNegativeTag = 'n';

std::string encode(const CacheValue& v) {
  if (v.negative) return std::string(1, kNegativeTag);
  std::string out;
  out.reserve(v.value.size() + 1);
  out.push_back(kValueTag);
  out.append(v.value);
  return out;
}

// Redis refuses PX 0; a TTL that rounds to nothing still has to expire.
std::string px(std::chrono::milliseconds ttl) { return std::to_string(std::max<int64_t>(1, ttl.count())); }

// Compare-and-set in one step on the server. Used only after a change (rare next to reads), so the
// script is sent with each call rather than cached by SHA.
constexpr const char* kReplaceScript = R"(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0)";

}  // namespace

Result<std::optional<CacheValue>> RedisCache::get(std::string_view key) {
  auto r = redis_->command({"GET", key_of(key)});
  if (!r) return r.error();
  if (r->nil()) return std::optional<CacheValue>();
  const std::string raw = r->str();
  if (raw.size() == 1 && raw[0] == kNegativeTag) return std::optional<CacheValue>(CacheValue{true, {}});
  // Anything without our tag was not written by this seam: a miss, never a wrong value.
  if (raw.empty() || raw[0] != kValueTag) return std::optional<CacheValue>();
  return std::optional<CacheValue>(CacheValue{false, raw.substr(1)});
}

Result<bool> RedisCache::set(std::string_view key, const CacheValue& value, std::chrono::milliseconds ttl,
                             bool only_if_absent) {
  std::vector<std::string> args{"SET", key_of(key), encode(value), "PX", px(ttl)};
  if (only_if_absent) args.emplace_back("NX");
  auto r = redis_->command(args);
  if (!r) return r.error();
  return !r->nil();  // SET ... NX answers nil when the key exists
}

Status RedisCache::put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
  auto r = set(key, CacheValue{false, std::string(value)}, ttl, false);
  if (!r) return r.error();
  return ok_status();
}

Status RedisCache::put_negative(std::string_view key, std::chrono::milliseconds ttl) {
  auto r = set(key, CacheValue{true, {}}, ttl, false);
  if (!r) return r.error();
  return ok_status();
}

Result<bool> RedisCache::add(std::string_view key, const CacheValue& value, std::chrono::milliseconds ttl) {
  return set(key, value, ttl, true);
}

Result<bool> RedisCache::replace(std::string_view key, std::string_view expected, const CacheValue& value,
                                 std::chrono::milliseconds ttl) {
  auto r = redis_->command({"EVAL", kReplaceScript, "1", key_of(key), encode(CacheValue{false, std::string(expected)}),
                            encode(value), px(ttl)});
  if (!r) return r.error();
  return r->integer() == 1;
}

Status RedisCache::erase(std::string_view key) {
  auto r = redis_->command({"DEL", key_of(key)});
  if (!r) return r.error();
  return ok_status();
}

}  // namespace shortstack::cache
