#include "analytics/click_store_contract.h"
#include "analytics/sqlite_click_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::analytics {
namespace {

std::shared_ptr<ClickStore> make_sqlite() { return std::make_shared<SqliteClickStore>(testing::temp_analytics_db()); }

INSTANTIATE_TEST_SUITE_P(Embedded, ClickStoreContract, ::testing::Values(ClickStoreFactory{"sqlite", make_sqlite}),
                         testing::backend_name<ClickStore>);

TEST(SqliteClickStore, RefusesHoursItsKeyCannotHold) {
  SqliteClickStore store(testing::temp_analytics_db());
  BatchRollups b{"x", 1, {}};
  b.rollups[{1, 100}].clicks = 1;  // 1970
  EXPECT_FALSE(store.apply({b}));
}

}  // namespace
}  // namespace shortstack::analytics
