#pragma once
// SipHash-2-4 (Aumasson & Bernstein): a keyed 64-bit hash that is a PRF, so a visitor id derived from
// an IP address cannot be reversed or matched across days without the day's key. Fast enough for the
// redirect path (tens of nanoseconds for an address and a user agent).
#include <array>
#include <cstdint>
#include <string_view>

namespace shortstack {

using SipKey = std::array<uint64_t, 2>;

class SipHasher {
 public:
  explicit SipHasher(const SipKey& key);
  // Feeds bytes; may be called repeatedly. The result depends only on the concatenation.
  void update(std::string_view bytes);
  uint64_t finish() const;

 private:
  void compress(uint64_t m);
  uint64_t v0_, v1_, v2_, v3_;
  uint64_t tail_ = 0;     // bytes not yet making a whole word, little-endian
  size_t tail_size_ = 0;
  uint64_t total_ = 0;
};

uint64_t siphash24(const SipKey& key, std::string_view bytes);

}  // namespace shortstack
