#pragma once
// The Cache seam: a shared key-value cache with expiry and negative entries ("known absent").
// Backends: memory (stage 1, this process only) and Redis (stage 2 on, shared by every instance).
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
  // Stores only when the key holds nothing (an expired entry counts as nothing); true when it stored.
  // Readers fill with this so a value read before a change cannot overwrite the marker the change
  // left (see LinkResolver).
  virtual Result<bool> add(std::string_view key, const CacheValue& value, std::chrono::milliseconds ttl) = 0;
  // Stores only when the key holds exactly the (non-negative) value `expected`: compare-and-set.
  virtual Result<bool> replace(std::string_view key, std::string_view expected, const CacheValue& value,
                               std::chrono::milliseconds ttl) = 0;
  virtual Status erase(std::string_view key) = 0;
};

}  // namespace shortstack::cache
