#include "queue/queue_contract.h"

#include <set>
#include <thread>

namespace shortstack::queue {
namespace {

// A test binary may hold no backend of this seam (itests before the distributed ones exist).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(QueueContract);

using namespace std::chrono_literals;

TEST_P(QueueContract, DeliversInPublishOrder) {
  auto q = make();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q->publish("s", "m" + std::to_string(i)));
  auto got = q->fetch("s", 10, 1s);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ((*got)[i].payload, "m" + std::to_string(i));
  EXPECT_EQ((*got)[0].deliveries, 1);
}

TEST_P(QueueContract, FetchRespectsMaxAndWaitsBoundedWhenEmpty) {
  auto q = make();
  auto none = q->fetch("empty", 10, 50ms);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q->publish("s", "x"));
  EXPECT_EQ(q->fetch("s", 2, 1s)->size(), 2u);
}

TEST_P(QueueContract, SubjectsAreSeparate) {
  auto q = make();
  ASSERT_TRUE(q->publish("a", "for-a"));
  EXPECT_TRUE(q->fetch("b", 10, 20ms)->empty());
  EXPECT_EQ((*q->fetch("a", 10, 1s))[0].payload, "for-a");
}

TEST_P(QueueContract, AckedMessagesAreGone) {
  auto q = make();
  ASSERT_TRUE(q->publish("s", "once"));
  auto got = q->fetch("s", 1, 1s);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(*q->pending("s"), 1u) << "in flight still counts as pending";
  ASSERT_TRUE(q->ack((*got)[0]));
  EXPECT_EQ(*q->pending("s"), 0u);
  EXPECT_TRUE(q->fetch("s", 1, 50ms)->empty());
}

TEST_P(QueueContract, NackedMessagesComeBack) {
  auto q = make();
  ASSERT_TRUE(q->publish("s", "retry-me"));
  auto first = q->fetch("s", 1, 1s);
  ASSERT_TRUE(q->nack((*first)[0]));
  auto second = q->fetch("s", 1, 1s);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].payload, "retry-me");
  EXPECT_EQ((*second)[0].deliveries, 2);
}

TEST_P(QueueContract, UnackedMessagesAreRedeliveredAfterTheAckTimeout) {
  auto q = make(100ms);
  ASSERT_TRUE(q->publish("s", "lost-consumer"));
  ASSERT_EQ(q->fetch("s", 1, 1s)->size(), 1u);  // a consumer takes it and dies
  auto again = q->fetch("s", 1, 5s);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->size(), 1u) << "at-least-once: the message must come back";
  EXPECT_EQ((*again)[0].payload, "lost-consumer");
  EXPECT_GE((*again)[0].deliveries, 2);
}

TEST_P(QueueContract, ConcurrentConsumersSeeEachMessageOnceWhenAcked) {
  auto q = make();
  constexpr int kMessages = 400;
  for (int i = 0; i < kMessages; ++i) ASSERT_TRUE(q->publish("work", std::to_string(i)));
  std::mutex mu;
  std::multiset<std::string> seen;
  std::vector<std::thread> consumers;
  for (int c = 0; c < 4; ++c)
    consumers.emplace_back([&] {
      for (;;) {
        auto got = q->fetch("work", 16, 100ms);
        if (!got || got->empty()) return;
        for (auto& m : *got) {
          {
            std::lock_guard lock(mu);
            seen.insert(m.payload);
          }
          (void)q->ack(m);
        }
      }
    });
  for (auto& t : consumers) t.join();
  EXPECT_EQ(seen.size(), static_cast<size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) EXPECT_EQ(seen.count(std::to_string(i)), 1u) << i;
}

}  // namespace
}  // namespace shortstack::queue
