// The AbuseReportStore contract: what every backend must do. Instantiated per backend.
#include "moderation/abuse_report_store_contract.h"

namespace shortstack::moderation {
namespace {

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AbuseReportStoreContract);

TEST_P(AbuseReportStoreContract, ReportsAreKeptByteForByteAndListedNewestFirst) {
  const std::string hostile = "<script>alert(1)</script> \"quotes\" & 'apostrophes' \xE2\x9A\xA0";
  auto first = store->file({10, "abc1234", hostile, std::nullopt, 100});
  ASSERT_TRUE(first) << first.error().message;
  auto second = store->file({11, "def5678", "spam", 42, 200});
  ASSERT_TRUE(second);
  EXPECT_GT(second->id, first->id);
  auto open = store->list_open(std::nullopt, 10);
  ASSERT_TRUE(open) << open.error().message;
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id, second->id);
  EXPECT_EQ((*open)[0].reporter_id, std::optional<int64_t>(42));
  EXPECT_EQ((*open)[1].reason, hostile) << "stored as written; escaping is the reader's job";
  EXPECT_EQ((*open)[1].code, "abc1234");
  EXPECT_EQ((*open)[1].link_id, 10);
  EXPECT_EQ((*open)[1].created_at, 100);
  EXPECT_FALSE((*open)[1].reporter_id.has_value());
  auto older = store->list_open(second->id, 10);
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].id, first->id);
  EXPECT_EQ(store->list_open(std::nullopt, 1)->size(), 1u);
}

TEST_P(AbuseReportStoreContract, ResolvingALinkClosesAllItsOpenReportsOnly) {
  ASSERT_TRUE(store->file({20, "x", "one", std::nullopt, 1}));
  ASSERT_TRUE(store->file({20, "x", "two", std::nullopt, 2}));
  ASSERT_TRUE(store->file({21, "y", "other link", std::nullopt, 3}));
  auto resolved = store->resolve_for_link(20, "quarantined", 10);
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(*resolved, 2u);
  EXPECT_EQ(*store->resolve_for_link(20, "disabled", 11), 0u) << "already resolved";
  auto open = store->list_open(std::nullopt, 10);
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].link_id, 21);
}

}  // namespace
}  // namespace shortstack::moderation
