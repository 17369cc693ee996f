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
