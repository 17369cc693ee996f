#include "links/code.h"

#include <random>

#include "core/crypto.h"

namespace shortstack::links {
namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int kRandomBits = 27;  // 14 + 27 = 41 bits < log2(62^7) ≈ 41.7

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c >= 'a' && c <= 'z') return c - 'a' + 36;
  return -1;
}

uint64_t thread_random() {
  // Seeded from the OS once per thread; codes need to be unpredictable enough to resist enumeration,
  // and uniqueness is enforced by the store anyway.
  thread_local std::mt19937_64 rng(random_u64());
  return rng();
}
}  // namespace

std::string encode_code(uint32_t bucket, uint64_t random_bits) {
  uint64_t v = ((random_bits & ((1ull << kRandomBits) - 1)) << kBucketBits) | (bucket & (kBucketCount - 1));
  std::string out(kCodeLength, '0');
  for (size_t i = kCodeLength; i-- > 0;) {
    out[i] = kAlphabet[v % 62];
    v /= 62;
  }
  return out;
}

std::string generate_code(uint32_t bucket) { return encode_code(bucket, thread_random()); }

std::optional<uint32_t> bucket_of(std::string_view code) {
  if (code.size() != kCodeLength) return std::nullopt;
  uint64_t v = 0;
  for (char c : code) {
    const int d = digit_value(c);
    if (d < 0) return std::nullopt;
    v = v * 62 + static_cast<uint64_t>(d);
  }
  if (v >> (kBucketBits + kRandomBits)) return std::nullopt;
  return static_cast<uint32_t>(v & (kBucketCount - 1));
}

uint32_t bucket_for_owner(int64_t owner_id) {
  // A fixed mix (splitmix64), not std::hash, so the mapping is the same in every build.
  uint64_t z = static_cast<uint64_t>(owner_id) + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return static_cast<uint32_t>((z ^ (z >> 31)) & (kBucketCount - 1));
}

bool is_code_syntax(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (digit_value(c) < 0 && c != '_' && c != '-') return false;
  return true;
}

}  // namespace shortstack::links
