#include "clicks/round_policy.h"

#include <gtest/gtest.h>

namespace shortstack::clicks {
namespace {

using std::chrono::milliseconds;

TEST(RoundPolicy, ASmallRoundIsWrittenAtOnce) {
  const RoundPolicy p;
  EXPECT_TRUE(p.due({1, 1, milliseconds(0)}));
  EXPECT_TRUE(p.due({RoundPolicy::kSmallRound, RoundPolicy::kSmallRound, milliseconds(0)}));
}

TEST(RoundPolicy, ARoundWithNoLinkHoursIsWrittenSoItsBatchesAreAcked) {
  // Batches whose every event had an implausible time roll up to nothing, and must not be held.
  EXPECT_TRUE(RoundPolicy{}.due({0, 3, milliseconds(0)}));
}

TEST(RoundPolicy, ALargeRoundOfHotLinksIsWrittenAtOnce) {
  const RoundPolicy p;
  EXPECT_TRUE(p.due({50'000, 500'000, milliseconds(0)}));
}

TEST(RoundPolicy, ALargeSpreadRoundGathersUntilItsAgeLimit) {
  RoundPolicy p;
  p.spread_max_age = milliseconds(30'000);
  EXPECT_FALSE(p.due({70'000, 73'000, milliseconds(1'000)}));
  EXPECT_FALSE(p.due({600'000, 1'500'000, milliseconds(29'999)}));
  EXPECT_TRUE(p.due({600'000, 1'500'000, milliseconds(30'000)}));
}

TEST(RoundPolicy, ASpreadRoundStopsGatheringOnceDense) {
  // Fewer links than the load clicks in the age limit: the round turns dense and is written early.
  const RoundPolicy p;
  constexpr int64_t dense = 90'000 * RoundPolicy::kDenseClicksPerLinkHour;
  EXPECT_FALSE(p.due({90'000, dense - 1, milliseconds(3'000)}));
  EXPECT_TRUE(p.due({90'000, dense, milliseconds(3'000)}));
}

TEST(RoundPolicy, ASpreadRoundStopsGatheringAtItsSizeLimit) {
  RoundPolicy p;
  p.max_link_hours = 200'000;
  EXPECT_FALSE(p.due({199'999, 250'000, milliseconds(1'000)}));
  EXPECT_TRUE(p.due({200'000, 250'000, milliseconds(1'000)}));
}

}  // namespace
}  // namespace shortstack::clicks
