#include "clicks/click_spool.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "clicks/click_batch.h"
#include "queue/memory_queue.h"
#include "testing/temp_dir.h"

namespace shortstack::clicks {
namespace {

std::string payload(const std::string& id) {
  ClickBatch b;
  b.id = id;
  b.events.push_back({1, 1, 1'795'310'580, 5, 0, 0, {}});
  return encode_batch(b);
}

std::vector<std::string> drain_ids(queue::Queue& q) {
  std::vector<std::string> ids;
  auto got = q.fetch(kClickSubject, 1000, std::chrono::milliseconds(10));
  for (const auto& m : *got) {
    ids.push_back(batch_id_of(m.payload));
    (void)q.ack(m);
  }
  return ids;
}

class ClickSpoolTest : public ::testing::Test {
 protected:
  std::shared_ptr<ClickSpool> open_spool(std::shared_ptr<queue::Queue> q) {
    auto s = ClickSpool::open({dir.path().string(), std::chrono::milliseconds(5), 16 << 20, false}, std::move(q));
    EXPECT_TRUE(s);
    return *s;
  }
  testing::TempDir dir;
};

TEST_F(ClickSpoolTest, PublishesOnlyAfterSyncingAndDeletesReleasedSegments) {
  auto q = std::make_shared<queue::MemoryQueue>();
  auto spool = open_spool(q);
  ASSERT_TRUE(spool->recover());
  spool->append("a-1", payload("a-1"));
  spool->append("a-2", payload("a-2"));
  spool->flush_and_stop();
  EXPECT_GE(spool->syncs(), 1u);
  EXPECT_EQ(drain_ids(*q), (std::vector<std::string>{"a-1", "a-2"}));
  EXPECT_EQ(spool->segments_on_disk(), 1u) << "kept until the consumer has committed them";
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(static_cast<unsigned>(entry.status().permissions() & std::filesystem::perms::all), 0600u)
        << "clicks on disk are for the service alone";
  spool->release("a-1");
  EXPECT_EQ(spool->segments_on_disk(), 1u);
  spool->release("a-2");
  EXPECT_EQ(spool->segments_on_disk(), 0u);
}

TEST_F(ClickSpoolTest, ARestartReplaysEverySegmentNotFullyReleased) {
  {
    auto spool = open_spool(std::make_shared<queue::MemoryQueue>());  // a queue lost with the process
    spool->append("b-1", payload("b-1"));
    spool->append("b-2", payload("b-2"));
    spool->flush_and_stop();
    spool->release("b-1");  // b-1 shares its segment with b-2, so both replay: ids make b-1 harmless
  }
  auto q = std::make_shared<queue::MemoryQueue>();
  auto spool = open_spool(q);
  auto replayed = spool->recover();
  ASSERT_TRUE(replayed);
  EXPECT_EQ(*replayed, 2u);
  spool->start();
  spool->flush_and_stop();
  EXPECT_EQ(drain_ids(*q), (std::vector<std::string>{"b-1", "b-2"}));
  spool->release("b-1");
  spool->release("b-2");
  EXPECT_EQ(spool->segments_on_disk(), 0u);
  auto again = open_spool(std::make_shared<queue::MemoryQueue>());
  EXPECT_EQ(*again->recover(), 0u) << "released segments are gone, not replayed";
}

TEST_F(ClickSpoolTest, TheSpoolThreadCanReplayAnEarlierProcesssSegmentsBeforeItsFirstSync) {
  {
    auto spool = open_spool(std::make_shared<queue::MemoryQueue>());  // a queue lost with the process
    spool->append("d-1", payload("d-1"));
    spool->flush_and_stop();
  }
  auto q = std::make_shared<queue::MemoryQueue>();
  auto spool = open_spool(q);
  spool->recover_then_start();
  spool->append("d-2", payload("d-2"));
  spool->flush_and_stop();
  EXPECT_EQ(drain_ids(*q), (std::vector<std::string>{"d-1", "d-2"})) << "the earlier process's batch first";
}

TEST_F(ClickSpoolTest, ATornTailIsIgnoredAndTheRecordsBeforeItSurvive) {
  {
    auto spool = open_spool(std::make_shared<queue::MemoryQueue>());
    spool->append("c-1", payload("c-1"));
    spool->flush_and_stop();
  }
  // A crash in the middle of the next write leaves half a record.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    std::ofstream out(entry.path(), std::ios::binary | std::ios::app);
    out << std::string("\x40\x00\x00\x00garbage", 11);
  }
  auto q = std::make_shared<queue::MemoryQueue>();
  auto spool = open_spool(q);
  EXPECT_EQ(*spool->recover(), 1u);
  spool->start();
  spool->flush_and_stop();
  EXPECT_EQ(drain_ids(*q), (std::vector<std::string>{"c-1"}));
}

TEST_F(ClickSpoolTest, WithADurableQueueBatchesAreReleasedOnPublish) {
  auto q = std::make_shared<queue::MemoryQueue>();
  auto s = ClickSpool::open({dir.path().string(), std::chrono::milliseconds(5), 16 << 20, true}, q);
  ASSERT_TRUE(s);
  (*s)->append("d-1", payload("d-1"));
  (*s)->flush_and_stop();
  EXPECT_EQ((*s)->segments_on_disk(), 0u);
  EXPECT_EQ(drain_ids(*q).size(), 1u);
}

TEST_F(ClickSpoolTest, FullSegmentsRotateAndEachIsDeletedWhenReleased) {
  auto q = std::make_shared<queue::MemoryQueue>();
  auto s = ClickSpool::open({dir.path().string(), std::chrono::milliseconds(5), 1, false}, q);
  ASSERT_TRUE(s);
  for (int i = 0; i < 3; ++i) {
    (*s)->append("e-" + std::to_string(i), payload("e-" + std::to_string(i)));
    (*s)->sync_now();
  }
  EXPECT_EQ((*s)->segments_on_disk(), 3u);
  (*s)->release("e-1");
  EXPECT_EQ((*s)->segments_on_disk(), 2u) << "a full segment goes as soon as its batches are released";
  (*s)->release("e-0");
  (*s)->release("e-2");
  EXPECT_EQ((*s)->segments_on_disk(), 0u);
}

}  // namespace
}  // namespace shortstack::clicks
