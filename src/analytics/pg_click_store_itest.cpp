// The ClickStore contract against a real PostgreSQL (the one `make test` starts), and rounds from
// several appliers at once.
#include "analytics/click_store_contract.h"
#include "analytics/pg_click_store.h"
#include "testing/pg_temp.h"

#include <thread>

namespace shortstack::analytics {
namespace {

std::shared_ptr<store::pg::PgPool> analytics_pool() {
  auto pool = testing::temp_pg_pool({}, false);
  if (auto m = pool->migrate(store::analytics_postgres_migrations(), "analytics_schema_migrations"); !m) throw std::runtime_error(m.error().message);
  return pool;
}

std::shared_ptr<ClickStore> make_postgres() { return std::make_shared<PgClickStore>(analytics_pool()); }

INSTANTIATE_TEST_SUITE_P(Distributed, ClickStoreContract, ::testing::Values(ClickStoreFactory{"postgres", make_postgres}),
                         testing::backend_name<ClickStore>);

TEST(PgClickStore, RoundsFromSeveralInstancesOnTheSameLinkHoursAddUp) {
  auto pool = analytics_pool();
  constexpr int kInstances = 4, kRounds = 10;
  constexpr int64_t kHour = 490'000;
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i)
    instances.emplace_back([&, i] {
      PgClickStore store(pool);
      for (int n = 0; n < kRounds; ++n) {
        RoundRollups round{{{"i" + std::to_string(i) + "-" + std::to_string(n), 3}}, {}};
        for (int64_t link = 1; link <= 3; ++link) {
          HourRollup& r = round.rollups[{link, kHour}];
          r.owner_id = 9;
          r.add_human("news.example", "DE", "desktop", "Firefox", "Linux", static_cast<uint64_t>(i * 1000 + n) << 32);
        }
        EXPECT_TRUE(store.apply(round)->applied);
      }
    });
  for (auto& t : instances) t.join();
  PgClickStore store(pool);
  auto totals = store.totals({1, 2, 3});
  ASSERT_TRUE(totals);
  for (int64_t link = 1; link <= 3; ++link) EXPECT_EQ(totals->at(link).clicks, kInstances * kRounds);
  auto hours = store.hours(2, kHour, kHour + 1);
  ASSERT_EQ(hours->size(), 1u);
  EXPECT_EQ((*hours)[0].rollup.clicks, kInstances * kRounds) << "no read-merge-write lost an update";
  EXPECT_EQ((*hours)[0].rollup.visitors.estimate(), static_cast<uint64_t>(kInstances * kRounds));
}

}  // namespace
}  // namespace shortstack::analytics
