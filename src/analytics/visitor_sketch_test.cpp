#include "analytics/visitor_sketch.h"

#include <gtest/gtest.h>

#include "core/siphash.h"

namespace shortstack::analytics {
namespace {

uint64_t visitor(uint64_t i) { return siphash24({42, 7}, std::to_string(i)); }

TEST(VisitorSketch, CountsFewVisitorsExactly) {
  VisitorSketch s;
  for (int round = 0; round < 3; ++round)
    for (uint64_t i = 0; i < 200; ++i) s.add(visitor(i));
  EXPECT_TRUE(s.exact());
  EXPECT_EQ(s.estimate(), 200u);
}

TEST(VisitorSketch, EstimatesManyVisitorsWithinTenPercent) {
  for (uint64_t n : {1'000u, 20'000u, 300'000u}) {
    VisitorSketch s;
    for (uint64_t i = 0; i < n; ++i) s.add(visitor(i));
    EXPECT_FALSE(s.exact());
    const double error = std::abs(static_cast<double>(s.estimate()) - static_cast<double>(n)) / static_cast<double>(n);
    EXPECT_LT(error, 0.10) << n << " estimated as " << s.estimate();
  }
}

TEST(VisitorSketch, MergeEqualsTheSketchOfTheUnion) {
  VisitorSketch a, b, both;
  for (uint64_t i = 0; i < 150; ++i) a.add(visitor(i)), both.add(visitor(i));
  for (uint64_t i = 100; i < 5000; ++i) b.add(visitor(i)), both.add(visitor(i));
  VisitorSketch merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.encode(), both.encode());
  VisitorSketch other_way = b;
  other_way.merge(a);
  EXPECT_EQ(other_way.encode(), both.encode());
}

TEST(VisitorSketch, EncodingRoundTripsBothForms) {
  VisitorSketch small, large;
  for (uint64_t i = 0; i < 10; ++i) small.add(visitor(i));
  for (uint64_t i = 0; i < 10'000; ++i) large.add(visitor(i));
  for (const VisitorSketch* s : {&small, &large}) {
    auto back = VisitorSketch::decode(s->encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->encode(), s->encode());
    EXPECT_EQ(back->estimate(), s->estimate());
  }
  EXPECT_LE(large.encode().size(), 1 + VisitorSketch::kRegisters);
}

TEST(VisitorSketch, RejectsMalformedBytes) {
  EXPECT_FALSE(VisitorSketch::decode("S123"));                        // not whole hashes
  EXPECT_FALSE(VisitorSketch::decode(std::string("S\2\0\0\0\1\0\0\0", 9)));  // not sorted
  EXPECT_FALSE(VisitorSketch::decode("Dshort"));
  EXPECT_FALSE(VisitorSketch::decode("X"));
  EXPECT_TRUE(VisitorSketch::decode(""));
}

TEST(VisitorSketch, ValidAgreesWithDecode) {
  VisitorSketch small, large;
  for (uint64_t i = 0; i < 10; ++i) small.add(visitor(i));
  for (uint64_t i = 0; i < 10'000; ++i) large.add(visitor(i));
  std::string bad_register = large.encode();
  bad_register.back() = 60;  // more leading zeros than a 64-bit hash can have after the index bits
  for (const std::string& bytes : {small.encode(), large.encode(), std::string(), std::string("S123"),
                                   std::string("S\2\0\0\0\1\0\0\0", 9), std::string("Dshort"), std::string("X"),
                                   bad_register})
    EXPECT_EQ(VisitorSketch::valid(bytes), VisitorSketch::decode(bytes).has_value()) << bytes.size() << " bytes";
  EXPECT_FALSE(VisitorSketch::valid(bad_register));
}

}  // namespace
}  // namespace shortstack::analytics
