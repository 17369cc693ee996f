// How the aggregator gathers rounds (round_policy.h has the rule itself): a large round of clicks
// spread over many links is held, unacked, until it is due; held batches that come again are counted
// once; and nothing held is lost on drain.
#include "clicks/click_aggregator.h"

#include <gtest/gtest.h>

#include <thread>

#include "analytics/sqlite_click_store.h"
#include "metrics/metrics.h"
#include "queue/memory_queue.h"
#include "testing/sqlite_temp.h"

namespace shortstack::clicks {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kNow = 1'795'310'580;  // 2026-11-22
constexpr size_t kSpread = RoundPolicy::kSmallRound + 1'000;

// One click on each of `links` links from `first` on: a round of it is large and spread.
std::string spread_batch(std::string id, int64_t first = 1, size_t links = kSpread) {
  ClickBatch b;
  b.id = std::move(id);
  b.strings.push_back("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0");
  for (size_t i = 0; i < links; ++i) b.events.push_back(ClickEvent{first + static_cast<int64_t>(i), 42, kNow, i, 1, 0, {}});
  return encode_batch(b);
}

// Polls until `done` holds, for at most ~10 s; true when it held. Never a timing assertion: a slow
// machine only makes it poll longer.
template <class F>
bool eventually(F&& done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return done();
}

class RoundGathering : public ::testing::Test {
 protected:
  int64_t total_clicks(int64_t first = 1, size_t links = kSpread) {
    std::vector<int64_t> ids;
    for (size_t i = 0; i < links; ++i) ids.push_back(first + static_cast<int64_t>(i));
    auto totals = store->totals(ids);
    if (!totals) return -1;
    int64_t sum = 0;
    for (const auto& [id, t] : *totals) sum += t.clicks;
    return sum;
  }
  ClickAggregator::Options options(milliseconds spread_max_age) {
    ClickAggregator::Options o;
    o.interval = milliseconds(10);
    o.round.spread_max_age = spread_max_age;
    return o;
  }

  std::shared_ptr<queue::MemoryQueue> queue = std::make_shared<queue::MemoryQueue>(milliseconds(30'000));
  std::shared_ptr<analytics::SqliteClickStore> store = *analytics::SqliteClickStore::open(testing::temp_analytics_db());
};

TEST_F(RoundGathering, ASpreadRoundIsHeldUnackedUntilDrained) {
  ASSERT_TRUE(queue->publish(kClickSubject, spread_batch("inst-1")));
  ClickAggregator aggregator(queue, store, options(std::chrono::hours(1)));
  aggregator.start();
  std::this_thread::sleep_for(milliseconds(300));  // many intervals: a due round would be written
  EXPECT_EQ(total_clicks(), 0) << "a large spread round keeps gathering";
  EXPECT_EQ(*queue->pending(kClickSubject), 1u) << "and its batch stays unacked";
  EXPECT_EQ(aggregator.progress()->link_hours.load(), kSpread) << "the gauges show it";
  EXPECT_GT(aggregator.progress()->age_seconds(), 0.0);
  aggregator.drain_and_stop();
  EXPECT_EQ(total_clicks(), static_cast<int64_t>(kSpread)) << "draining writes what the round held";
  EXPECT_EQ(*queue->pending(kClickSubject), 0u);
  EXPECT_EQ(aggregator.progress()->link_hours.load(), 0u);
  EXPECT_EQ(aggregator.progress()->age_seconds(), 0.0);
}

TEST_F(RoundGathering, ASpreadRoundIsWrittenOnceItTurnsDense) {
  ClickAggregator aggregator(queue, store, options(std::chrono::hours(1)));
  aggregator.start();
  // The same links again and again, until each link-hour holds enough clicks to be dense.
  constexpr int64_t kTimes = RoundPolicy::kDenseClicksPerLinkHour;
  for (int64_t i = 0; i < kTimes; ++i)
    ASSERT_TRUE(queue->publish(kClickSubject, spread_batch("inst-" + std::to_string(i))));
  EXPECT_TRUE(eventually([&] { return total_clicks() == kTimes * static_cast<int64_t>(kSpread); }))
      << "written without waiting for the age limit";
  aggregator.drain_and_stop();
}

TEST_F(RoundGathering, ASpreadRoundIsWrittenAtItsAgeLimit) {
  ClickAggregator aggregator(queue, store, options(milliseconds(50)));
  aggregator.start();
  ASSERT_TRUE(queue->publish(kClickSubject, spread_batch("inst-1")));
  EXPECT_TRUE(eventually([&] { return total_clicks() == static_cast<int64_t>(kSpread); }));
  EXPECT_TRUE(eventually([&] { return *queue->pending(kClickSubject) == 0u; }));
  aggregator.drain_and_stop();
}

TEST_F(RoundGathering, ABatchRedeliveredWhileHeldIsCountedOnce) {
  queue = std::make_shared<queue::MemoryQueue>(milliseconds(100));  // redelivers while the round gathers
  const uint64_t duplicates_before = metrics::registry().click_batches_duplicate.value();
  ASSERT_TRUE(queue->publish(kClickSubject, spread_batch("inst-1")));
  ClickAggregator aggregator(queue, store, options(std::chrono::hours(1)));
  aggregator.start();
  EXPECT_TRUE(eventually([&] { return metrics::registry().click_batches_duplicate.value() > duplicates_before; }))
      << "the queue handed the held batch out again";
  aggregator.drain_and_stop();
  EXPECT_EQ(total_clicks(), static_cast<int64_t>(kSpread));
  EXPECT_EQ(*queue->pending(kClickSubject), 0u) << "the delivery in flight was the one acked";
}

TEST_F(RoundGathering, BatchesAppliedBeforeAreSettledAndTheRestWrittenOnce) {
  // Another consumer applied inst-1 and died before acking it; the round holds it beside inst-2.
  analytics::RoundRollups earlier;
  rollup_into(*decode_batch(spread_batch("inst-1")), *analytics::UserAgentClassifier::builtin(), earlier);
  ASSERT_TRUE(store->apply(earlier)->applied);
  ASSERT_TRUE(queue->publish(kClickSubject, spread_batch("inst-1")));
  ASSERT_TRUE(queue->publish(kClickSubject, spread_batch("inst-2", 1 + kSpread)));
  ClickAggregator aggregator(queue, store);
  aggregator.drain_and_stop();
  EXPECT_EQ(total_clicks(), static_cast<int64_t>(kSpread));
  EXPECT_EQ(total_clicks(1 + kSpread), static_cast<int64_t>(kSpread));
  EXPECT_EQ(*queue->pending(kClickSubject), 0u);
}

}  // namespace
}  // namespace shortstack::clicks
