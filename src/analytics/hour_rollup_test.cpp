#include "analytics/hour_rollup.h"

#include <gtest/gtest.h>

namespace shortstack::analytics {
namespace {

// Visitor hashes as the recorder makes them: spread over all 64 bits.
constexpr uint64_t V1 = 0x9E3779B97F4A7C15ULL, V2 = 0xC2B2AE3D27D4EB4FULL;

int64_t count_of(const HourRollup& r, Dimension d, std::string_view key) {
  for (const BreakdownEntry& e : r.breakdown)
    if (e.dimension == d && e.key == key) return e.clicks;
  return 0;
}

TEST(HourRollup, CountsHumansByEveryDimension) {
  HourRollup r;
  r.add_human("news.example", "DE", "mobile", "Safari", "iOS", V1);
  r.add_human("news.example", "FR", "desktop", "Chrome", "Windows", V2);
  r.bots += 4;
  EXPECT_EQ(r.clicks, 2);
  EXPECT_EQ(r.bots, 4);
  EXPECT_EQ(count_of(r, Dimension::Referrer, "news.example"), 2);
  EXPECT_EQ(count_of(r, Dimension::Country, "DE"), 1);
  EXPECT_EQ(count_of(r, Dimension::Os, "Windows"), 1);
  EXPECT_EQ(r.visitors.estimate(), 2u);
}

TEST(HourRollup, MergeAddsEverything) {
  HourRollup a, b;
  a.owner_id = 9;
  a.add_human("x.example", "US", "desktop", "Firefox", "Linux", V1);
  b.add_human("x.example", "US", "desktop", "Firefox", "Linux", V1);  // the same visitor
  b.add_human("y.example", "US", "mobile", "Chrome", "Android", V2);
  b.bots = 3;
  a.merge(b);
  EXPECT_EQ(a.owner_id, 9);
  EXPECT_EQ(a.clicks, 3);
  EXPECT_EQ(a.bots, 3);
  EXPECT_EQ(count_of(a, Dimension::Referrer, "x.example"), 2);
  EXPECT_EQ(count_of(a, Dimension::Country, "US"), 3);
  EXPECT_EQ(a.visitors.estimate(), 2u);
}

TEST(HourRollup, ManyDistinctKeysFoldIntoOtherWithoutLosingClicks) {
  HourRollup r;
  for (int i = 0; i < 200; ++i) r.add_to(Dimension::Referrer, "site" + std::to_string(i) + ".example", 1);
  int64_t total = 0;
  size_t keys = 0;
  for (const BreakdownEntry& e : r.breakdown) total += e.clicks, ++keys;
  EXPECT_EQ(total, 200);
  EXPECT_EQ(keys, HourRollup::kMaxKeysPerDimension + 1);
  EXPECT_EQ(count_of(r, Dimension::Referrer, HourRollup::kOtherKey), 200 - int64_t{HourRollup::kMaxKeysPerDimension});
}

TEST(HourRollup, BreakdownTextRoundTrips) {
  HourRollup r;
  r.add_human("(direct)", "", "tablet", "Samsung Internet", "Android", 5, 3);
  auto back = HourRollup::decode_breakdown(r.encode_breakdown());
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), r.breakdown.size());
  for (size_t i = 0; i < back->size(); ++i) {
    EXPECT_EQ((*back)[i].key, r.breakdown[i].key);
    EXPECT_EQ((*back)[i].clicks, r.breakdown[i].clicks);
  }
  EXPECT_FALSE(HourRollup::decode_breakdown("x\tkey\t1\n"));
  EXPECT_FALSE(HourRollup::decode_breakdown("r\tkey\t-1\n"));
  EXPECT_FALSE(HourRollup::decode_breakdown("r\tkey\t1"));
  EXPECT_TRUE(HourRollup::decode_breakdown(""));
}

TEST(HourRollup, ValidBreakdownAgreesWithDecode) {
  HourRollup r;
  r.add_human("(direct)", "DE", "phone", "Safari", "iOS", 5, 2);
  for (const std::string& text : {r.encode_breakdown(), std::string(), std::string("x\tkey\t1\n"),
                                  std::string("r\tkey\t-1\n"), std::string("r\tkey\t1"), std::string("r\tkey\t1x\n"),
                                  std::string("rr\tkey\t1\n")})
    EXPECT_EQ(HourRollup::valid_breakdown(text), HourRollup::decode_breakdown(text).has_value()) << text;
}

}  // namespace
}  // namespace shortstack::analytics
