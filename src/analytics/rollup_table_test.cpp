#include "analytics/rollup_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace shortstack::analytics {
namespace {

TEST(RollupTable, AddsARollupOnFirstUseAndReturnsTheSameOneAfter) {
  RollupTable t;
  EXPECT_TRUE(t.empty());
  t[{7, 100}].clicks += 2;
  t[{7, 100}].clicks += 3;
  t[{7, 101}].bots = 1;
  EXPECT_EQ(t.size(), 2u);
  ASSERT_NE(t.find({7, 100}), nullptr);
  EXPECT_EQ(t.find({7, 100})->clicks, 5);
  EXPECT_EQ(t.find({7, 101})->bots, 1);
  EXPECT_EQ(t.find({8, 100}), nullptr);
}

TEST(RollupTable, AgreesWithAnOrderedMapOverManyKeysAndKeepsFirstSeenOrder) {
  RollupTable t;
  std::map<LinkHour, int64_t> expected;
  std::vector<LinkHour> first_seen;
  std::mt19937_64 rng(42);
  // Enough keys to cross many index doublings and chunk boundaries; ids collide on purpose.
  for (int i = 0; i < 200'000; ++i) {
    const LinkHour at{static_cast<int64_t>(rng() % 50'000), static_cast<int64_t>(490'000 + rng() % 3)};
    if (!expected.contains(at)) first_seen.push_back(at);
    expected[at] += 1;
    t[at].clicks += 1;
  }
  ASSERT_EQ(t.size(), expected.size());
  size_t i = 0;
  for (const auto& [at, r] : t) {
    ASSERT_EQ(at, first_seen[i++]);
    EXPECT_EQ(r.clicks, expected[at]);
  }
  EXPECT_EQ(i, expected.size());
}

TEST(RollupTable, ReferencesStayValidWhileTheTableGrows) {
  RollupTable t;
  HourRollup& first = t[{1, 1}];
  for (int64_t id = 2; id < 10'000; ++id) t[{id, 1}].clicks = id;
  first.clicks = 99;  // would be a use after free if growing moved the rollups
  EXPECT_EQ(t.find({1, 1})->clicks, 99);
  EXPECT_EQ(t.find({9'999, 1})->clicks, 9'999);
}

TEST(RollupTable, CopiesAreIndependentAndClearEmpties) {
  RollupTable a;
  for (int64_t id = 0; id < 3'000; ++id) a[{id, 5}].clicks = id;
  RollupTable b = a;
  b[{0, 5}].clicks = -1;
  b[{5'000, 5}].clicks = 1;
  EXPECT_EQ(a.find({0, 5})->clicks, 0);
  EXPECT_EQ(a.find({5'000, 5}), nullptr);
  EXPECT_EQ(b.size(), 3'001u);
  const std::vector<std::pair<LinkHour, HourRollup>> rows(b.begin(), b.end());
  EXPECT_EQ(rows.size(), 3'001u);
  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.find({1, 5}), nullptr);
  a[{1, 5}].clicks = 4;
  EXPECT_EQ(a.size(), 1u);
}

// Prefetching is only a hint: on an empty table, for absent keys and for present ones, it must
// neither add nor change anything (under ASan, it must not read past the index either).
TEST(RollupTable, PrefetchingChangesNothing) {
  RollupTable t;
  t.prefetch_slot({1, 5});
  t.prefetch_rollup({1, 5});
  EXPECT_TRUE(t.empty());
  for (int64_t id = 0; id < 5'000; ++id) t[{id, 5}].clicks = id;
  for (int64_t id = 0; id < 10'000; ++id) {
    t.prefetch_slot({id, 5});
    t.prefetch_rollup({id, 5});
  }
  EXPECT_EQ(t.size(), 5'000u);
  EXPECT_EQ(t.find({4'999, 5})->clicks, 4'999);
  EXPECT_EQ(t.find({5'000, 5}), nullptr);
}

}  // namespace
}  // namespace shortstack::analytics
