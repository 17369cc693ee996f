#include "core/siphash.h"

#include <gtest/gtest.h>

#include <string>

namespace shortstack {
namespace {

// The reference key 00 01 .. 0f from the SipHash paper, read as two little-endian words.
constexpr SipKey kPaperKey{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};

std::string counting_bytes(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(i));
  return s;
}

TEST(SipHash, MatchesThePaperTestVectors) {
  // From the reference implementation's vectors.h (siphash-2-4, 64-bit output).
  EXPECT_EQ(siphash24(kPaperKey, ""), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(siphash24(kPaperKey, counting_bytes(1)), 0x74f839c593dc67fdULL);
  EXPECT_EQ(siphash24(kPaperKey, counting_bytes(8)), 0x93f5f5799a932462ULL);
  EXPECT_EQ(siphash24(kPaperKey, counting_bytes(15)), 0xa129ca6149be45e5ULL);
}

TEST(SipHash, IncrementalUpdatesEqualOneShot) {
  const std::string data = counting_bytes(63);
  for (size_t split = 0; split <= data.size(); ++split) {
    SipHasher h(kPaperKey);
    h.update(std::string_view(data).substr(0, split));
    h.update(std::string_view(data).substr(split));
    ASSERT_EQ(h.finish(), siphash24(kPaperKey, data)) << split;
  }
}

TEST(SipHash, DifferentKeysGiveDifferentHashes) {
  EXPECT_NE(siphash24({1, 2}, "203.0.113.9"), siphash24({1, 3}, "203.0.113.9"));
}

}  // namespace
}  // namespace shortstack
