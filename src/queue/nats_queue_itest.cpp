// The Queue contract against a real NATS JetStream server (the one `make test` starts).
#include "queue/nats_queue.h"
#include "queue/queue_contract.h"
#include "testing/nats_temp.h"

namespace shortstack::queue {
namespace {

std::shared_ptr<Queue> make_nats(std::chrono::milliseconds ack_wait) { return testing::temp_nats_queue(ack_wait); }

INSTANTIATE_TEST_SUITE_P(Distributed, QueueContract, ::testing::Values(QueueFactory{"nats", make_nats}),
                         [](const auto& info) { return info.param.name; });

TEST(NatsQueue, AConsumerProcessThatDiesLeavesItsMessagesForTheNext) {
  NatsOptions o;
  o.url = testing::test_nats_url();
  std::tie(o.stream, o.subject_prefix) = testing::unique_nats_stream();
  o.ack_wait = std::chrono::milliseconds(300);
  {
    auto producer = *NatsQueue::open(o);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(producer->publish("jobs", "job-" + std::to_string(i)));
  }
  {
    auto dying = *NatsQueue::open(o);
    auto got = dying->fetch("jobs", 10, std::chrono::seconds(1));
    ASSERT_EQ(got->size(), 3u);
    ASSERT_TRUE(dying->ack((*got)[0]));
  }  // gone without acking the other two
  auto next = *NatsQueue::open(o);
  std::vector<std::string> seen;
  for (int i = 0; i < 20 && seen.size() < 2; ++i) {
    auto batch = next->fetch("jobs", 10, std::chrono::milliseconds(200));
    ASSERT_TRUE(batch) << batch.error().message;
    for (const Message& m : batch.value()) {
      seen.push_back(m.payload);
      EXPECT_GE(m.deliveries, 2);
      ASSERT_TRUE(next->ack(m));
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"job-1", "job-2"}));
  EXPECT_EQ(*next->pending("jobs"), 0u);
}

}  // namespace
}  // namespace shortstack::queue
