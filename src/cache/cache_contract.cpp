#include "cache/cache_contract.h"

#include <thread>

namespace shortstack::cache {
namespace {

// A test binary may hold no backend of this seam (itests before the distributed ones exist).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CacheContract);

using namespace std::chrono_literals;

TEST_P(CacheContract, MissThenPutThenHit) {
  auto miss = cache->get("k1");
  ASSERT_TRUE(miss);
  EXPECT_FALSE(miss->has_value());
  ASSERT_TRUE(cache->put("k1", "v1", 60s));
  auto hit = cache->get("k1");
  ASSERT_TRUE(hit && hit->has_value());
  EXPECT_FALSE((*hit)->negative);
  EXPECT_EQ((*hit)->value, "v1");
}

TEST_P(CacheContract, NegativeEntriesAreDistinctFromValues) {
  ASSERT_TRUE(cache->put_negative("absent", 60s));
  auto hit = cache->get("absent");
  ASSERT_TRUE(hit && hit->has_value());
  EXPECT_TRUE((*hit)->negative);
  ASSERT_TRUE(cache->put("absent", "now-present", 60s));
  EXPECT_FALSE((*cache->get("absent"))->negative) << "a value replaces a negative entry";
}

TEST_P(CacheContract, EraseRemoves) {
  ASSERT_TRUE(cache->put("k2", "v2", 60s));
  ASSERT_TRUE(cache->erase("k2"));
  EXPECT_FALSE(cache->get("k2")->has_value());
  EXPECT_TRUE(cache->erase("never-there")) << "erasing a missing key is not an error";
}

TEST_P(CacheContract, AddStoresOnlyWhenTheKeyHoldsNothing) {
  auto first = cache->add("fill", CacheValue{false, "first"}, 60s);
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  auto second = cache->add("fill", CacheValue{false, "second"}, 60s);
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second) << "add must not overwrite";
  EXPECT_EQ((*cache->get("fill"))->value, "first");

  ASSERT_TRUE(cache->put_negative("neg", 60s));
  EXPECT_FALSE(*cache->add("neg", CacheValue{false, "v"}, 60s)) << "a negative entry is an entry";
  EXPECT_TRUE((*cache->get("neg"))->negative);

  ASSERT_TRUE(cache->add("neg-fill", CacheValue{true, {}}, 60s));
  auto neg = cache->get("neg-fill");
  ASSERT_TRUE(neg && neg->has_value());
  EXPECT_TRUE((*neg)->negative) << "add can store a negative entry";
}

TEST_P(CacheContract, AddFillsAgainOnceTheEntryExpired) {
  ASSERT_TRUE(cache->put("marker", "", 50ms));
  EXPECT_FALSE(*cache->add("marker", CacheValue{false, "late"}, 60s));
  bool stored = false;
  for (int i = 0; i < 100 && !stored; ++i) {
    std::this_thread::sleep_for(20ms);
    stored = *cache->add("marker", CacheValue{false, "late"}, 60s);
  }
  EXPECT_TRUE(stored);
  EXPECT_EQ((*cache->get("marker"))->value, "late");
}

TEST_P(CacheContract, ReplaceIsACompareAndSet) {
  ASSERT_TRUE(cache->put("cas", "marker-1", 60s));
  EXPECT_FALSE(*cache->replace("cas", "marker-2", CacheValue{false, "nope"}, 60s)) << "another value is there";
  EXPECT_EQ((*cache->get("cas"))->value, "marker-1");
  EXPECT_TRUE(*cache->replace("cas", "marker-1", CacheValue{false, "fresh"}, 60s));
  EXPECT_EQ((*cache->get("cas"))->value, "fresh");
  EXPECT_FALSE(*cache->replace("absent-cas", "", CacheValue{false, "x"}, 60s)) << "nothing is not the empty value";
  ASSERT_TRUE(cache->put_negative("neg-cas", 60s));
  EXPECT_FALSE(*cache->replace("neg-cas", "", CacheValue{false, "x"}, 60s)) << "a negative entry is not the empty value";
  ASSERT_TRUE(cache->put("to-neg", "m", 60s));
  EXPECT_TRUE(*cache->replace("to-neg", "m", CacheValue{true, {}}, 60s));
  EXPECT_TRUE((*cache->get("to-neg"))->negative);
}

TEST_P(CacheContract, EmptyValuesAreValuesNotNegatives) {
  ASSERT_TRUE(cache->put("empty", "", 60s));
  auto hit = cache->get("empty");
  ASSERT_TRUE(hit && hit->has_value());
  EXPECT_FALSE((*hit)->negative);
  EXPECT_EQ((*hit)->value, "");
}

TEST_P(CacheContract, EntriesExpire) {
  ASSERT_TRUE(cache->put("short", "v", 50ms));
  // Bounded poll rather than a timed assertion: expiry must happen, whenever the machine gets to it.
  bool expired = false;
  for (int i = 0; i < 100 && !expired; ++i) {
    std::this_thread::sleep_for(20ms);
    expired = !cache->get("short")->has_value();
  }
  EXPECT_TRUE(expired);
}

TEST_P(CacheContract, ValuesAreBinarySafe) {
  const std::string v("a\0b\r\n\xff", 6);
  ASSERT_TRUE(cache->put("bin", v, 60s));
  EXPECT_EQ((*cache->get("bin"))->value, v);
}

}  // namespace
}  // namespace shortstack::cache
