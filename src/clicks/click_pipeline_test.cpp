// The whole stage-1 click path without HTTP: recorder buffers → batches → queue → aggregator → store.
#include <gtest/gtest.h>

#include "clicks/click_aggregator.h"
#include "clicks/click_recorder.h"
#include "links/sqlite_link_store.h"
#include "queue/memory_queue.h"
#include "testing/sqlite_temp.h"

namespace shortstack::clicks {
namespace {

class ClickPipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    store = std::make_shared<links::SqliteLinkStore>(testing::temp_sqlite_db());
    link = *store->create({"hot0001", 1, 0, "https://example.com/", 302, std::nullopt, 1});
  }
  int64_t clicks() { return (*store->find_by_code("hot0001"))->clicks; }

  std::shared_ptr<queue::MemoryQueue> queue = std::make_shared<queue::MemoryQueue>(std::chrono::milliseconds(200));
  std::shared_ptr<links::SqliteLinkStore> store;
  links::Link link;
};

TEST_F(ClickPipeline, CountsEveryClickFromEveryLoop) {
  ClickRecorder recorder(queue, 2);
  ClickAggregator aggregator(queue, store);
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 100; ++i) recorder.record(round % 2, {link.id, 1, ClickKind::Human});
    recorder.flush(round % 2);
  }
  recorder.record(0, {link.id, 1, ClickKind::Bot});
  recorder.flush(0);
  aggregator.drain_and_stop();
  EXPECT_EQ(clicks(), 1000);
  EXPECT_EQ((*store->find_by_code("hot0001"))->bots, 1);
  EXPECT_EQ(*queue->pending(kClickSubject), 0u);
}

TEST_F(ClickPipeline, DuplicateDeliveryDoesNotDoubleCount) {
  // The same batch published twice stands for a redelivery after a consumer crashed before its ack.
  const std::string payload = encode_batch({"inst-42", std::vector<ClickEvent>(7, {link.id, 1, ClickKind::Human})});
  ASSERT_TRUE(queue->publish(kClickSubject, payload));
  ASSERT_TRUE(queue->publish(kClickSubject, payload));
  ClickAggregator aggregator(queue, store);
  aggregator.drain_and_stop();
  EXPECT_EQ(clicks(), 7);
}

TEST_F(ClickPipeline, AConsumerThatDiesBeforeAckingIsRedeliveredAndCountedOnce) {
  ClickRecorder recorder(queue, 1);
  for (int i = 0; i < 5; ++i) recorder.record(0, {link.id, 1, ClickKind::Human});
  recorder.flush(0);
  // A consumer fetches, applies, and dies before acking.
  auto taken = queue->fetch(kClickSubject, 10, std::chrono::seconds(1));
  ASSERT_EQ(taken->size(), 1u);
  ASSERT_EQ(*store->apply_click_batches({sum_batch(*decode_batch((*taken)[0].payload))}), 1u);
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

}  // namespace
}  // namespace shortstack::clicks
