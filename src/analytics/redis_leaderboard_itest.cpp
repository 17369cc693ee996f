// The Leaderboard contract against a real Redis, and what the ranking does when feeding Redis fails.
#include "analytics/leaderboard_contract.h"
#include "analytics/redis_leaderboard.h"
#include "analytics/sqlite_click_store.h"
#include "testing/redis_temp.h"
#include "testing/sqlite_temp.h"

#include <ctime>
#include <thread>

namespace shortstack::analytics {
namespace {

std::shared_ptr<RankedStore> make_redis_board(const std::string& prefix) {
  auto r = std::make_shared<RankedStore>();
  r->store = *SqliteClickStore::open(testing::temp_analytics_db());
  r->board = std::make_shared<RedisLeaderboard>(testing::test_redis_pool(), r->store, prefix);
  return r;
}

INSTANTIATE_TEST_SUITE_P(Distributed, LeaderboardContract,
                         ::testing::Values(LeaderboardFactory{"redis", [] { return make_redis_board(testing::unique_redis_prefix()); }}),
                         testing::backend_name<RankedStore>);

int64_t this_hour() { return static_cast<int64_t>(std::time(nullptr)) / 3600; }

RoundRollups one_link_round(const std::string& id, int64_t owner, int64_t link, int64_t clicks) {
  RoundRollups round{{{id, clicks}}, {}};
  HourRollup& h = round.rollups[LinkHour{link, this_hour()}];
  h.owner_id = owner;
  h.clicks = clicks;
  return round;
}

TEST(RedisLeaderboard, ServesTheRankingFromRedisNotTheStore) {
  auto r = make_redis_board(testing::unique_redis_prefix());
  // Fed but never applied to the store: only Redis can know these clicks.
  ASSERT_TRUE(r->board->add(one_link_round("only-redis", 1, 60, 4)));
  auto top = r->board->top(1, this_hour() - 1, 10);
  ASSERT_TRUE(top && top->size() == 1);
  EXPECT_EQ((*top)[0].clicks, 4);
}

TEST(RedisLeaderboard, AfterAFailedFeedTheStoreAnswersExactly) {
  const std::string prefix = testing::unique_redis_prefix();
  auto r = make_redis_board(prefix);
  const RoundRollups first = one_link_round("b1", 1, 70, 5);
  ASSERT_TRUE(r->store->apply(first)->applied);
  ASSERT_TRUE(r->board->add(first));

  testing::stop_test_redis();
  const RoundRollups second = one_link_round("b2", 1, 70, 3);
  ASSERT_TRUE(r->store->apply(second)->applied);
  EXPECT_FALSE(r->board->add(second)) << "Redis is away: the feed fails";
  auto during = r->board->top(1, this_hour() - 1, 10);
  ASSERT_TRUE(during) << "top falls back to the store";
  EXPECT_EQ((*during)[0].clicks, 8);
  testing::start_test_redis();

  // Redis is back but missed round 2: the ranking must still come out exact.
  auto after = r->board->top(1, this_hour() - 1, 10);
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)[0].clicks, 8);
  // The next feed writes the marker, so other instances also know Redis's copy is incomplete.
  const RoundRollups third = one_link_round("b3", 1, 70, 1);
  ASSERT_TRUE(r->store->apply(third)->applied);
  bool fed = false;
  for (int i = 0; i < 50 && !fed; ++i) {  // the pool retries Redis a moment after a failure
    fed = static_cast<bool>(r->board->add(third));
    if (!fed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(fed);
  // Another instance (a fresh object over the same keys) has no memory of the failure.
  RedisLeaderboard other_instance(testing::test_redis_pool(), r->store, prefix);
  auto seen_elsewhere = other_instance.top(1, this_hour() - 1, 10);
  ASSERT_TRUE(seen_elsewhere);
  EXPECT_EQ((*seen_elsewhere)[0].clicks, 9) << "the marker sends it to the store, which has all three rounds";
}

}  // namespace
}  // namespace shortstack::analytics
