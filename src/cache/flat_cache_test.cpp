#include "cache/flat_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace shortstack::cache {
namespace {

using Clock = std::chrono::steady_clock;

TEST(FlatCache, EvictsTheOldestEntryNotUsedSinceItWasLastPassed) {
  FlatCache<int> lru(3, 1);  // one shard so the order is observable
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

TEST(FlatCache, EvictionTerminatesWhenEveryEntryIsReferenced) {
  FlatCache<int> lru(4, 1);
  const auto far = Clock::now() + std::chrono::hours(1);
  for (const char* k : {"a", "b", "c", "d"}) lru.put(k, 1, far);
  for (const char* k : {"a", "b", "c", "d"}) ASSERT_TRUE(lru.get(k, Clock::now()));
  lru.put("e", 5, far);
  EXPECT_EQ(lru.size(), 4u);
  EXPECT_FALSE(lru.get("a", Clock::now())) << "all had a second chance; the oldest goes";
  EXPECT_EQ(lru.get("e", Clock::now()), 5);
}

TEST(FlatCache, ExpiredEntriesAreMisses) {
  FlatCache<int> lru(10);
  const auto now = Clock::now();
  lru.put("x", 1, now + std::chrono::seconds(1));
  EXPECT_TRUE(lru.get("x", now));
  EXPECT_FALSE(lru.get("x", now + std::chrono::seconds(2)));
  EXPECT_EQ(lru.size(), 0u) << "an expired entry found on lookup is dropped";
}

TEST(FlatCache, InsertIfUnchangedLosesToAConcurrentErase) {
  FlatCache<std::string> lru(10);
  const auto far = Clock::now() + std::chrono::hours(1);
  const uint64_t gen = lru.generation("k");  // a reader starts a store read...
  lru.erase("k");                            // ...an update commits and invalidates...
  EXPECT_FALSE(lru.insert_if_unchanged("k", "stale", far, gen));  // ...the stale value is not cached
  EXPECT_FALSE(lru.get("k", Clock::now()));
  EXPECT_TRUE(lru.insert_if_unchanged("k", "fresh", far, lru.generation("k")));
  EXPECT_EQ(lru.get("k", Clock::now()), "fresh");
}

TEST(FlatCache, ReplacingAValueKeepsOneEntry) {
  FlatCache<int> lru(10, 2);
  const auto far = Clock::now() + std::chrono::hours(1);
  lru.put("k", 1, far);
  lru.put("k", 2, far);
  EXPECT_EQ(lru.size(), 1u);
  EXPECT_EQ(lru.get("k", Clock::now()), 2);
}

}  // namespace
}  // namespace shortstack::cache

namespace shortstack::cache {
namespace {

// Random inserts, lookups and erases against a std::map model, across evictions and probe chains
// that wrap around the table: every key the cache returns must carry the value last written.
TEST(FlatCache, AgreesWithAModelUnderChurn) {
  FlatCache<int> cache(256, 2);
  std::map<std::string, int> model;
  std::mt19937 rng(7);
  const auto far = std::chrono::steady_clock::now() + std::chrono::hours(1);
  ASSERT_LT(cache.max_size(), 1000u) << "so that the churn below also exercises eviction";
  for (int step = 0; step < 50000; ++step) {
    const std::string key = "k" + std::to_string(rng() % 1000);
    switch (rng() % 3) {
      case 0:
        cache.put(key, step, far);
        model[key] = step;
        break;
      case 1:
        cache.erase(key);
        model.erase(key);
        break;
      default:
        if (auto got = cache.get(key, std::chrono::steady_clock::now())) {
          ASSERT_TRUE(model.count(key)) << key << " was erased but is still cached";
          ASSERT_EQ(*got, model[key]) << key;
        }
    }
    ASSERT_LE(cache.size(), cache.max_size());
  }
}

TEST(FlatCache, HoldsItsNominalCapacityDespiteUnevenShards) {
  FlatCache<int> cache(64000, 64);
  const auto far = std::chrono::steady_clock::now() + std::chrono::hours(1);
  for (int i = 0; i < 64000; ++i) cache.put("key" + std::to_string(i), i, far);
  EXPECT_EQ(cache.size(), 64000u) << "no shard may evict before the cache as a whole is full";
}

TEST(FlatCache, InsertIfAbsentSinceSkipsShardsWithErases) {
  FlatCache<int> cache(100, 1);
  const auto far = std::chrono::steady_clock::now() + std::chrono::hours(1);
  const auto snapshot = cache.generations();
  EXPECT_TRUE(cache.insert_if_absent_since(snapshot, "a", 1, far));
  EXPECT_FALSE(cache.insert_if_absent_since(snapshot, "a", 2, far)) << "present";
  cache.erase("zzz");
  EXPECT_FALSE(cache.insert_if_absent_since(snapshot, "b", 1, far)) << "the shard changed since the snapshot";
  EXPECT_EQ(cache.get("a", std::chrono::steady_clock::now()), 1);
}

}  // namespace
}  // namespace shortstack::cache
