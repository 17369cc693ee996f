#pragma once
#include "analytics/click_store.h"
#include "analytics/leaderboard.h"
#include "testing/contract.h"

namespace shortstack::analytics {

// A leaderboard with the ClickStore it ranks (an embedded one is enough: what is tested is the
// ranking, fed the way the aggregator feeds it).
struct RankedStore {
  std::shared_ptr<ClickStore> store;
  std::shared_ptr<Leaderboard> board;
};
using LeaderboardFactory = testing::BackendFactory<RankedStore>;

class LeaderboardContract : public ::testing::TestWithParam<LeaderboardFactory> {
 protected:
  void SetUp() override { ranked = GetParam().make(); }
  std::shared_ptr<RankedStore> ranked;
};

}  // namespace shortstack::analytics
