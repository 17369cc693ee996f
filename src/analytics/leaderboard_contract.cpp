// The Leaderboard contract: what every backend must do. Instantiated per backend.
#include "analytics/leaderboard_contract.h"

#include <ctime>

namespace shortstack::analytics {
namespace {

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LeaderboardContract);

int64_t this_hour() { return static_cast<int64_t>(std::time(nullptr)) / 3600; }

struct Clicks {
  int64_t owner, link, hour, humans, bots = 0;
};

// Applies one round to the store and then feeds it to the leaderboard: the aggregator's order.
void feed(RankedStore& r, const std::string& batch_id, const std::vector<Clicks>& clicks) {
  RoundRollups round{{{batch_id, 0}}, {}};
  for (const Clicks& c : clicks) {
    HourRollup& h = round.rollups[LinkHour{c.link, c.hour}];
    h.owner_id = c.owner;
    h.clicks += c.humans;
    h.bots += c.bots;
    round.batches[0].events += c.humans + c.bots;
  }
  auto applied = r.store->apply(round);
  ASSERT_TRUE(applied && applied->applied);
  ASSERT_TRUE(r.board->add(round));
}

std::vector<std::pair<int64_t, int64_t>> ranking(RankedStore& r, int64_t owner, int64_t from_hour, size_t limit) {
  auto top = r.board->top(owner, from_hour, limit);
  EXPECT_TRUE(top) << top.error().message;
  std::vector<std::pair<int64_t, int64_t>> out;
  if (top)
    for (const TopLink& t : *top) out.emplace_back(t.link_id, t.clicks);
  return out;
}

using Ranking = std::vector<std::pair<int64_t, int64_t>>;

TEST_P(LeaderboardContract, RanksByHumanClicksMostFirstTiesByLowerId) {
  const int64_t h = this_hour();
  feed(*ranked, "r1", {{1, 10, h, 5}, {1, 11, h, 9}, {1, 12, h, 5}, {1, 13, h, 1}});
  EXPECT_EQ(ranking(*ranked, 1, h - 24, 10), (Ranking{{11, 9}, {10, 5}, {12, 5}, {13, 1}}));
  EXPECT_EQ(ranking(*ranked, 1, h - 24, 2), (Ranking{{11, 9}, {10, 5}}));
}

TEST_P(LeaderboardContract, RoundsAndHoursAddUp) {
  const int64_t h = this_hour();
  feed(*ranked, "r1", {{1, 20, h - 1, 4}, {1, 21, h - 1, 6}});
  feed(*ranked, "r2", {{1, 20, h, 3}});
  EXPECT_EQ(ranking(*ranked, 1, h - 24, 10), (Ranking{{20, 7}, {21, 6}}));
}

TEST_P(LeaderboardContract, OnlyTheWindowCounts) {
  const int64_t h = this_hour();
  feed(*ranked, "r1", {{1, 30, h - 5, 100}, {1, 31, h, 2}});
  EXPECT_EQ(ranking(*ranked, 1, h - 1, 10), (Ranking{{31, 2}}));
  EXPECT_EQ(ranking(*ranked, 1, h - 24, 10), (Ranking{{30, 100}, {31, 2}}));
}

TEST_P(LeaderboardContract, OwnersAreApartAndBotsDoNotRank) {
  const int64_t h = this_hour();
  feed(*ranked, "r1", {{1, 40, h, 3}, {2, 41, h, 50}, {1, 42, h, 0, 70}});
  EXPECT_EQ(ranking(*ranked, 1, h - 24, 10), (Ranking{{40, 3}}));
  EXPECT_EQ(ranking(*ranked, 2, h - 24, 10), (Ranking{{41, 50}}));
  EXPECT_TRUE(ranking(*ranked, 3, h - 24, 10).empty());
}

TEST_P(LeaderboardContract, AWindowOlderThanAnyCacheStillAnswers) {
  const int64_t h = this_hour();
  feed(*ranked, "r1", {{1, 50, h - 40, 8}, {1, 51, h, 1}});
  EXPECT_EQ(ranking(*ranked, 1, h - 48, 10), (Ranking{{50, 8}, {51, 1}}));
}

}  // namespace
}  // namespace shortstack::analytics
