#pragma once
// The Cache seam: a shared key-value cache with expiry and negative entries ("known absent").
// Backends: memory (stage 1, this process only); Redis later (shared by every instance).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace shortstack::cache {

struct CacheValue {
  bool negative = false;  // the key is known to have no value
  std::string value;
};

class Cache {
 public:
  virtual ~Cache() = default;
  virtual Result<std::optional<CacheValue>> get(std::string_view key) = 0;
  virtual Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) = 0;
  virtual Status put_negative(std::string_view key, std::chrono::milliseconds ttl) = 0;
  virtual Status erase(std::string_view key) = 0;
};

}  // namespace shortstack::cache
