#include "core/siphash.h"

#include <cstring>

namespace shortstack {
namespace {

constexpr uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct State {
  uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  }
};

uint64_t load_le64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

SipHasher::SipHasher(const SipKey& key)
    : v0_(key[0] ^ 0x736f6d6570736575ULL),
      v1_(key[1] ^ 0x646f72616e646f6dULL),
      v2_(key[0] ^ 0x6c7967656e657261ULL),
      v3_(key[1] ^ 0x7465646279746573ULL) {}

void SipHasher::compress(uint64_t m) {
  State s{v0_, v1_, v2_, v3_};
  s.v3 ^= m;
  s.round();
  s.round();
  s.v0 ^= m;
  v0_ = s.v0, v1_ = s.v1, v2_ = s.v2, v3_ = s.v3;
}

void SipHasher::update(std::string_view bytes) {
  total_ += bytes.size();
  const char* p = bytes.data();
  size_t n = bytes.size();
  while (n > 0 && tail_size_ != 0) {
    tail_ |= uint64_t{static_cast<uint8_t>(*p++)} << (8 * tail_size_);
    --n;
    if (++tail_size_ == 8) {
      compress(tail_);
      tail_ = 0, tail_size_ = 0;
    }
  }
  for (; n >= 8; p += 8, n -= 8) compress(load_le64(p));
  for (; n > 0; --n) tail_ |= uint64_t{static_cast<uint8_t>(*p++)} << (8 * tail_size_++);
}

uint64_t SipHasher::finish() const {
  const uint64_t last = tail_ | (total_ << 56);
  State s{v0_, v1_, v2_, v3_};
  s.v3 ^= last;
  s.round();
  s.round();
  s.v0 ^= last;
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t siphash24(const SipKey& key, std::string_view bytes) {
  SipHasher h(key);
  h.update(bytes);
  return h.finish();
}

}  // namespace shortstack
