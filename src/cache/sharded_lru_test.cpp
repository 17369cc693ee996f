#include "cache/sharded_lru.h"

#include <gtest/gtest.h>

namespace shortstack::cache {
namespace {

using Clock = std::chrono::steady_clock;

TEST(ShardedLru, EvictsTheOldestEntryNotUsedSinceItWasLastPassed) {
  ShardedLru<int> lru(3, 1);  // one shard so the order is observable
  const auto far = Clock::now() + std::chrono::hours(1);
  lru.put("a", 1, far);
  lru.put("b", 2, far);
  lru.put("c", 3, far);
  ASSERT_TRUE(lru.get("a", Clock::now()));  // a, the oldest, gets a second chance
  lru.put("d", 4, far);                     // so b, the next oldest, is evicted
  EXPECT_FALSE(lru.get("b", Clock::now()));
  EXPECT_EQ(lru.get("a", Clock::now()), 1);
  EXPECT_EQ(lru.get("d", Clock::now()), 4);
  EXPECT_EQ(lru.size(), 3u);
}

TEST(ShardedLru, EvictionTerminatesWhenEveryEntryIsReferenced) {
  ShardedLru<int> lru(4, 1);
  const auto far = Clock::now() + std::chrono::hours(1);
  for (const char* k : {"a", "b", "c", "d"}) lru.put(k, 1, far);
  for (const char* k : {"a", "b", "c", "d"}) ASSERT_TRUE(lru.get(k, Clock::now()));
  lru.put("e", 5, far);
  EXPECT_EQ(lru.size(), 4u);
  EXPECT_FALSE(lru.get("a", Clock::now())) << "all had a second chance; the oldest goes";
  EXPECT_EQ(lru.get("e", Clock::now()), 5);
}

TEST(ShardedLru, ExpiredEntriesAreMisses) {
  ShardedLru<int> lru(10);
  const auto now = Clock::now();
  lru.put("x", 1, now + std::chrono::seconds(1));
  EXPECT_TRUE(lru.get("x", now));
  EXPECT_FALSE(lru.get("x", now + std::chrono::seconds(2)));
  EXPECT_EQ(lru.size(), 0u) << "an expired entry found on lookup is dropped";
}

TEST(ShardedLru, InsertIfUnchangedLosesToAConcurrentErase) {
  ShardedLru<std::string> lru(10);
  const auto far = Clock::now() + std::chrono::hours(1);
  const uint64_t gen = lru.generation("k");  // a reader starts a store read...
  lru.erase("k");                            // ...an update commits and invalidates...
  EXPECT_FALSE(lru.insert_if_unchanged("k", "stale", far, gen));  // ...the stale value is not cached
  EXPECT_FALSE(lru.get("k", Clock::now()));
  EXPECT_TRUE(lru.insert_if_unchanged("k", "fresh", far, lru.generation("k")));
  EXPECT_EQ(lru.get("k", Clock::now()), "fresh");
}

TEST(ShardedLru, ReplacingAValueKeepsOneEntry) {
  ShardedLru<int> lru(10, 2);
  const auto far = Clock::now() + std::chrono::hours(1);
  lru.put("k", 1, far);
  lru.put("k", 2, far);
  EXPECT_EQ(lru.size(), 1u);
  EXPECT_EQ(lru.get("k", Clock::now()), 2);
}

}  // namespace
}  // namespace shortstack::cache
