// The Leaderboard contract for the embedded backend: ranking straight from the ClickStore.
#include "analytics/leaderboard_contract.h"
#include "analytics/sqlite_click_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::analytics {
namespace {

std::shared_ptr<RankedStore> make_store_board() {
  auto r = std::make_shared<RankedStore>();
  r->store = *SqliteClickStore::open(testing::temp_analytics_db());
  r->board = std::make_shared<StoreLeaderboard>(r->store);
  return r;
}

INSTANTIATE_TEST_SUITE_P(Embedded, LeaderboardContract,
                         ::testing::Values(LeaderboardFactory{"store", make_store_board}),
                         testing::backend_name<RankedStore>);

}  // namespace
}  // namespace shortstack::analytics
