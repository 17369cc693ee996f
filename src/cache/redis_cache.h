#pragma once
// The Cache seam on Redis, shared by every instance. Each value carries a one-byte tag ('v' value,
// 'n' negative) so a negative entry and an empty value stay distinct. TTLs are Redis's (PX), so they
// hold across instances whatever their clocks say. Keys live under a prefix, which lets tests (and
// several deployments on one Redis) keep apart.
#include <memory>
#include <string>

#include "cache/cache.h"
#include "store/redis/redis_pool.h"

namespace shortstack::cache {

class RedisCache final : public Cache {
 public:
  explicit RedisCache(std::shared_ptr<store::redis::RedisPool> redis, std::string prefix = "ss:l2:")
      : redis_(std::move(redis)), prefix_(std::move(prefix)) {}
  Result<std::optional<CacheValue>> get(std::string_view key) override;
  Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override;
  Status put_negative(std::string_view key, std::chrono::milliseconds ttl) override;
  Result<bool> add(std::string_view key, const CacheValue& value, std::chrono::milliseconds ttl) override;
  Result<bool> replace(std::string_view key, std::string_view expected, const CacheValue& value,
                       std::chrono::milliseconds ttl) override;
  Status erase(std::string_view key) override;

 private:
  std::string key_of(std::string_view key) const { return prefix_ + std::string(key); }
  Result<bool> set(std::string_view key, const CacheValue& value, std::chrono::milliseconds ttl, bool only_if_absent);

  std::shared_ptr<store::redis::RedisPool> redis_;
  std::string prefix_;
};

}  // namespace shortstack::cache
