// The whole stage-1 click path without HTTP: recorder buffers → batches → queue → aggregator → store.
#include <gtest/gtest.h>

#include "analytics/sqlite_click_store.h"
#include "clicks/click_aggregator.h"
#include "clicks/click_recorder.h"
#include "queue/memory_queue.h"
#include "testing/sqlite_temp.h"

namespace shortstack::clicks {
namespace {

constexpr int64_t kNow = 1'795'310'580;  // 2026-11-22
constexpr std::string_view kFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
constexpr std::string_view kIphone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1";

class ClickPipeline : public ::testing::Test {
 protected:
  int64_t clicks(int64_t link = 1) {
    auto t = store->totals({link});
    return t->count(link) ? t->at(link).clicks : 0;
  }
  int64_t bots(int64_t link = 1) {
    auto t = store->totals({link});
    return t->count(link) ? t->at(link).bots : 0;
  }
  ClickInput human(std::string_view ip = "198.51.100.7", std::string_view ua = kFirefox) {
    return {1, 42, ip, ua, "https://www.news.example/story", "DE"};
  }

  std::shared_ptr<queue::MemoryQueue> queue = std::make_shared<queue::MemoryQueue>(std::chrono::milliseconds(200));
  std::shared_ptr<analytics::SqliteClickStore> store = *analytics::SqliteClickStore::open(testing::temp_analytics_db());
};

TEST_F(ClickPipeline, CountsEveryClickFromEveryLoop) {
  ClickRecorder recorder(queue, 2, "test-secret-0123456789");
  ClickAggregator aggregator(queue, store);
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 100; ++i) recorder.record(round % 2, human(), kNow);
    recorder.flush(round % 2);
  }
  recorder.record(0, human("198.51.100.8", "Twitterbot/1.0"), kNow);
  recorder.flush(0);
  aggregator.drain_and_stop();
  EXPECT_EQ(clicks(), 1000);
  EXPECT_EQ(bots(), 1);
  EXPECT_EQ(*queue->pending(kClickSubject), 0u);
}

TEST_F(ClickPipeline, HoursCarryEveryDimensionAndDistinctVisitors) {
  ClickRecorder recorder(queue, 1, "test-secret-0123456789");
  recorder.record(0, human("198.51.100.1", kFirefox), kNow);
  recorder.record(0, human("198.51.100.1", kFirefox), kNow);  // the same visitor again
  recorder.record(0, {1, 42, "198.51.100.2", kIphone, "", ""}, kNow);
  recorder.record(0, {1, 42, "198.51.100.3", "", "", ""}, kNow);  // no User-Agent: a script
  recorder.flush(0);
  ClickAggregator aggregator(queue, store);
  aggregator.drain_and_stop();
  auto rows = store->hours(1, kNow / 3600, kNow / 3600 + 1);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  const analytics::HourRollup& r = (*rows)[0].rollup;
  EXPECT_EQ(r.owner_id, 42);
  EXPECT_EQ(r.clicks, 3);
  EXPECT_EQ(r.bots, 1);
  EXPECT_EQ(r.visitors.estimate(), 2u);
  std::map<std::pair<analytics::Dimension, std::string>, int64_t> got;
  for (const auto& e : r.breakdown) got[{e.dimension, e.key}] = e.clicks;
  using analytics::Dimension;
  EXPECT_EQ((got[{Dimension::Referrer, "news.example"}]), 2);
  EXPECT_EQ((got[{Dimension::Referrer, "(direct)"}]), 1);
  EXPECT_EQ((got[{Dimension::Country, "DE"}]), 2);
  EXPECT_EQ((got[{Dimension::Country, "(unknown)"}]), 1);
  EXPECT_EQ((got[{Dimension::Device, "mobile"}]), 1);
  EXPECT_EQ((got[{Dimension::Browser, "Firefox"}]), 2);
  EXPECT_EQ((got[{Dimension::Os, "iOS"}]), 1);
}

TEST_F(ClickPipeline, DuplicateDeliveryDoesNotDoubleCount) {
  // The same batch published twice stands for a redelivery after a consumer crashed before its ack.
  ClickBatch b;
  b.id = "inst-42";
  b.strings.push_back(std::string(kFirefox));
  b.events.assign(7, ClickEvent{1, 42, kNow, 99, 1, 0, {}});
  const std::string payload = encode_batch(b);
  ASSERT_TRUE(queue->publish(kClickSubject, payload));
  ASSERT_TRUE(queue->publish(kClickSubject, payload));
  ClickAggregator aggregator(queue, store);
  aggregator.drain_and_stop();
  EXPECT_EQ(clicks(), 7);
}

TEST_F(ClickPipeline, AConsumerThatDiesBeforeAckingIsRedeliveredAndCountedOnce) {
  ClickRecorder recorder(queue, 1, "test-secret-0123456789");
  for (int i = 0; i < 5; ++i) recorder.record(0, human(), kNow);
  recorder.flush(0);
  // A consumer fetches, applies, and dies before acking.
  auto taken = queue->fetch(kClickSubject, 10, std::chrono::seconds(1));
  ASSERT_EQ(taken->size(), 1u);
  const auto batch = decode_batch((*taken)[0].payload);
  ASSERT_TRUE(batch);
  analytics::RoundRollups round;
  rollup_into(*batch, *analytics::UserAgentClassifier::builtin(), round);
  ASSERT_TRUE(store->apply(round)->applied);
  EXPECT_EQ(clicks(), 5);
  // After the ack timeout the queue hands it to the next consumer, which must skip it.
  ClickAggregator aggregator(queue, store);
  aggregator.drain_and_stop();
  EXPECT_EQ(clicks(), 5);
  EXPECT_EQ(*queue->pending(kClickSubject), 0u);
}

TEST_F(ClickPipeline, UndecodableBatchesAreDroppedNotLooped) {
  ASSERT_TRUE(queue->publish(kClickSubject, "garbage"));
  ClickAggregator aggregator(queue, store);
  EXPECT_EQ(aggregator.run_once(std::chrono::milliseconds(100)), 0u);
  EXPECT_EQ(*queue->pending(kClickSubject), 0u);
}

TEST_F(ClickPipeline, EventsWithABrokenClockAreSkippedNotPoisoningTheBatch) {
  ClickRecorder recorder(queue, 1, "test-secret-0123456789");
  recorder.record(0, human(), 5);  // 1970
  recorder.record(0, human(), kNow);
  recorder.flush(0);
  ClickAggregator aggregator(queue, store);
  aggregator.drain_and_stop();
  EXPECT_EQ(clicks(), 1);
  EXPECT_EQ(*queue->pending(kClickSubject), 0u);
}

TEST(ClickRecorder, VisitorHashesDependOnTheDayAndNeverContainTheAddress) {
  auto queue = std::make_shared<queue::MemoryQueue>();
  ClickRecorder recorder(queue, 1, "test-secret-0123456789");
  const ClickInput in{1, 1, "203.0.113.9", "UA", "", ""};
  recorder.record(0, in, kNow);
  recorder.record(0, in, kNow + 1);
  recorder.record(0, in, kNow + 86400);
  recorder.flush(0);
  auto taken = queue->fetch(kClickSubject, 1, std::chrono::milliseconds(100));
  ASSERT_EQ(taken->size(), 1u);
  const std::string& payload = (*taken)[0].payload;
  EXPECT_EQ(payload.find("203.0.113.9"), std::string::npos) << "raw addresses never leave the process";
  const auto b = decode_batch(payload);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->events[0].visitor, b->events[1].visitor);
  EXPECT_NE(b->events[0].visitor, b->events[2].visitor) << "the salt rotates daily";
  EXPECT_NE(visitor_key_for_day("secret-a-0123456789", 1), visitor_key_for_day("secret-b-0123456789", 1));
}

// The agent's digest is cached per batch: the visitor must still be a function of (address, agent,
// day) alone, the same in every batch, and tell agents and addresses apart.
TEST(ClickRecorder, AVisitorIsTheSameAddressAndAgentInEveryBatch) {
  auto queue = std::make_shared<queue::MemoryQueue>();
  ClickRecorder recorder(queue, 1, "test-secret-0123456789");
  const ClickInput a{1, 1, "203.0.113.9", "Agent A", "", ""};
  const ClickInput other_agent{1, 1, "203.0.113.9", "Agent B", "", ""};
  const ClickInput other_address{1, 1, "203.0.113.10", "Agent A", "", ""};
  const ClickInput no_agent{1, 1, "203.0.113.9", "", "", ""};
  recorder.record(0, a, kNow);
  recorder.record(0, other_agent, kNow);
  recorder.record(0, other_address, kNow);
  recorder.record(0, no_agent, kNow);
  recorder.flush(0);
  recorder.record(0, other_agent, kNow);  // a new batch, agents in another order
  recorder.record(0, a, kNow);
  recorder.flush(0);
  auto taken = queue->fetch(kClickSubject, 2, std::chrono::milliseconds(100));
  ASSERT_EQ(taken->size(), 2u);
  const auto first = decode_batch((*taken)[0].payload);
  const auto second = decode_batch((*taken)[1].payload);
  ASSERT_TRUE(first && second);
  const uint64_t v = first->events[0].visitor;
  EXPECT_NE(v, first->events[1].visitor) << "another agent";
  EXPECT_NE(v, first->events[2].visitor) << "another address";
  EXPECT_NE(v, first->events[3].visitor) << "no agent";
  EXPECT_EQ(second->events[1].visitor, v);
  EXPECT_EQ(second->events[0].visitor, first->events[1].visitor);
}

TEST(ClickRecorder, ReferrerHostIsTheHostOnly) {
  EXPECT_EQ(referrer_host("https://www.News.example:443/a?b#c"), "www.News.example");
  EXPECT_EQ(referrer_host("http://user:pw@host.example/x"), "host.example");
  EXPECT_EQ(referrer_host("android-app://com.google.android.gm/"), "com.google.android.gm");
  EXPECT_EQ(referrer_host("https://[2001:db8::1]:8443/"), "[2001:db8::1]");
  EXPECT_EQ(referrer_host("not a url"), "");
  EXPECT_EQ(referrer_host(""), "");
}

}  // namespace
}  // namespace shortstack::clicks
