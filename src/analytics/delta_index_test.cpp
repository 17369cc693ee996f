#include "analytics/delta_index.h"

#include <gtest/gtest.h>

namespace shortstack::analytics {
namespace {

TEST(DeltaIndex, ListsEachLinksRowsInAscendingOrder) {
  DeltaIndex index;
  index.add_all({{7, 1}, {8, 2}, {7, 3}});
  index.add(7, 5);
  index.add(7, 4);  // committed before a compaction, indexed after a later row
  EXPECT_EQ(index.seqs_of(7), (std::vector<int64_t>{1, 3, 4, 5}));
  EXPECT_EQ(index.seqs_of(8), (std::vector<int64_t>{2}));
  EXPECT_TRUE(index.seqs_of(9).empty());
  EXPECT_EQ(index.rows(), 5u);
}

TEST(DeltaIndex, ForgetsFoldedRowsAndKeepsLaterOnes) {
  DeltaIndex index;
  for (int64_t link = 0; link < 10'000; ++link) index.add(link, link + 1);  // grows the table many times
  index.add(42, 20'000);
  index.forget_through(10'000);
  EXPECT_EQ(index.rows(), 1u);
  EXPECT_EQ(index.seqs_of(42), (std::vector<int64_t>{20'000}));
  EXPECT_TRUE(index.seqs_of(41).empty());
  index.add(41, 20'001);
  EXPECT_EQ(index.seqs_of(41), (std::vector<int64_t>{20'001}));
}

TEST(DeltaIndex, NegativeAndLargeIdsAreKeysLikeAnyOther) {
  DeltaIndex index;
  index.add(-1, 1);
  index.add(INT64_MAX, 2);
  index.add(0, 3);
  EXPECT_EQ(index.seqs_of(-1), (std::vector<int64_t>{1}));
  EXPECT_EQ(index.seqs_of(INT64_MAX), (std::vector<int64_t>{2}));
  EXPECT_EQ(index.seqs_of(0), (std::vector<int64_t>{3}));
}

}  // namespace
}  // namespace shortstack::analytics
