#include "clicks/click_batch.h"

#include <gtest/gtest.h>

#include "clicks/click_aggregator.h"

namespace shortstack::clicks {
namespace {

TEST(ClickBatch, RoundTrips) {
  ClickBatch b{"abcd-7", {{1, 1795310580, ClickKind::Human}, {2, 1795310581, ClickKind::Bot}}};
  auto back = decode_batch(encode_batch(b));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "abcd-7");
  ASSERT_EQ(back->events.size(), 2u);
  EXPECT_EQ(back->events[1].link_id, 2);
  EXPECT_EQ(back->events[1].at, 1795310581);
  EXPECT_EQ(back->events[1].kind, ClickKind::Bot);
}

TEST(ClickBatch, RefusesDamagedPayloads) {
  for (const char* bad : {"", "v2 x\n", "v1 \n", "v1 id\n1 2\n", "v1 id\n1 2 7\n", "v1 id\nx 2 0\n", "v1 id\n1 2 0"})
    EXPECT_FALSE(decode_batch(bad)) << bad;
}

TEST(ClickBatch, SumsPerLinkAndKind) {
  ClickBatch b{"i-1", {{1, 0, ClickKind::Human}, {1, 0, ClickKind::Human}, {1, 0, ClickKind::Bot}, {2, 0, ClickKind::Human}}};
  auto totals = sum_batch(b);
  EXPECT_EQ(totals.batch_id, "i-1");
  EXPECT_EQ(totals.events, 4);
  std::map<int64_t, links::ClickCounts> m(totals.per_link.begin(), totals.per_link.end());
  EXPECT_EQ(m[1].clicks, 2);
  EXPECT_EQ(m[1].bots, 1);
  EXPECT_EQ(m[2].clicks, 1);
}

}  // namespace
}  // namespace shortstack::clicks
