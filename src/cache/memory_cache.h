#pragma once
#include "cache/cache.h"
#include "cache/flat_cache.h"

namespace shortstack::cache {

class MemoryCache final : public Cache {
 public:
  explicit MemoryCache(size_t capacity) : lru_(capacity) {}
  Result<std::optional<CacheValue>> get(std::string_view key) override {
    return lru_.get(key, std::chrono::steady_clock::now());
  }
  Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override {
    lru_.put(key, CacheValue{false, std::string(value)}, std::chrono::steady_clock::now() + ttl);
    return ok_status();
  }
  Status put_negative(std::string_view key, std::chrono::milliseconds ttl) override {
    lru_.put(key, CacheValue{true, {}}, std::chrono::steady_clock::now() + ttl);
    return ok_status();
  }
  Result<bool> add(std::string_view key, const CacheValue& value, std::chrono::milliseconds ttl) override {
    const auto now = std::chrono::steady_clock::now();
    return lru_.insert_if_absent(key, value, now, now + ttl);
  }
  Result<bool> replace(std::string_view key, std::string_view expected, const CacheValue& value,
                       std::chrono::milliseconds ttl) override {
    const auto now = std::chrono::steady_clock::now();
    auto holds_expected = [&](const CacheValue& v) { return !v.negative && v.value == expected; };
    return lru_.replace_if(key, holds_expected, value, now, now + ttl);
  }
  Status erase(std::string_view key) override {
    lru_.erase(key);
    return ok_status();
  }

 private:
  FlatCache<CacheValue> lru_;
};

}  // namespace shortstack::cache
