// The Redis change feed against a real Redis: changes reach other subscribers, and a subscriber
// that lost its connection reports the gap once it is back.
#include "links/redis_change_feed.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "testing/redis_temp.h"

namespace shortstack::links {
namespace {

struct Heard {
  std::mutex mu;
  std::vector<std::string> codes;
  int gaps = 0;
  size_t count() {
    std::lock_guard lock(mu);
    return codes.size();
  }
};

template <class F>
bool eventually(F&& done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(RedisChangeFeed, ChangesReachOtherInstancesAndAGapIsReportedAfterAnOutage) {
  const std::string channel = "test:" + testing::unique_redis_prefix();
  RedisChangeFeed publisher(testing::test_redis_pool(), channel), subscriber(testing::test_redis_pool(), channel);
  Heard heard;
  subscriber.start(
      [&](std::string_view code) {
        std::lock_guard lock(heard.mu);
        heard.codes.emplace_back(code);
      },
      [&] {
        std::lock_guard lock(heard.mu);
        ++heard.gaps;
      });
  ASSERT_TRUE(subscriber.subscribed()) << "start returns once subscribed";
  publisher.publish("abc1234");
  publisher.publish("promo");
  ASSERT_TRUE(eventually([&] { return heard.count() == 2; }));
  EXPECT_EQ(heard.codes, (std::vector<std::string>{"abc1234", "promo"}));
  EXPECT_EQ(heard.gaps, 0);

  testing::stop_test_redis();
  publisher.publish("lost");  // nobody can hear this one
  testing::start_test_redis();
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(heard.mu);
    return heard.gaps == 1;
  })) << "back from an outage, the subscriber reports that it may have missed changes";
  ASSERT_TRUE(eventually([&] { return subscriber.subscribed(); }));
  // Publishing is best effort: the publisher's pool waits a moment before it tries Redis again.
  ASSERT_TRUE(eventually([&] {
    if (heard.count() < 3) publisher.publish("after");
    return heard.count() >= 3;
  }));
  EXPECT_EQ(heard.codes.back(), "after");
  subscriber.stop();
}

}  // namespace
}  // namespace shortstack::links
