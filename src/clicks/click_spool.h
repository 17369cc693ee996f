#pragma once
// The local append-only spool that bounds what a kill -9 can lose. Loops hand each click batch to
// append(); a spool thread writes what has gathered, fdatasyncs it (group commit, every
// sync_interval), and only then publishes the batches to the queue. So a batch that is in the queue
// is on disk, and a crash loses at most what was appended since the last sync, plus what the loops
// had not yet flushed.
//
// A batch stays in the spool until release(): after the consumer has committed it when the queue is
// in process, or as soon as a durable queue has accepted it. On start, recover() publishes every batch
// an earlier process left behind; batch ids make any that were already applied harmless.
//
// On disk: segments "clicks-<16 hex digits>.spool" of records [u32 length][u64 checksum][payload],
// little-endian. A torn record at the tail of a segment (a crash mid-write) fails its checksum and
// ends that segment's replay.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "queue/queue.h"

namespace shortstack::clicks {

class ClickSpool {
 public:
  struct Options {
    std::string dir;
    std::chrono::milliseconds sync_interval{20};
    size_t segment_bytes = 16 << 20;  // a segment is deleted once all its batches are released
    bool release_on_publish = false;  // true when the queue itself is durable
  };

  static Result<std::shared_ptr<ClickSpool>> open(Options options, std::shared_ptr<queue::Queue> queue);
  ~ClickSpool();

  // Publishes every batch found in segments left by an earlier process. Call before start().
  Result<size_t> recover();
  void start();
  // start(), with the spool thread doing recover() first, before its first sync. The server starts
  // this way: after a kill -9 under clicks spread over many links the spool holds the round the
  // aggregator was gathering (up to 30 s of clicks, 67 MB after 20 s at 77k clicks/s), and reading
  // it held readiness back by ~400 ms when redirects need none of it.
  void recover_then_start();
  // Any thread. The batch reaches disk within one sync interval, then the queue.
  void append(std::string batch_id, std::string payload);
  // Any thread: the batch needs no replay any more.
  void release(std::string_view batch_id);
  // Writes, syncs and publishes everything appended so far (and anything recovered), now.
  void sync_now();
  // sync_now(), then stops the spool thread.
  void flush_and_stop();

  size_t segments_on_disk();
  uint64_t syncs() const;

 private:
  struct Pending {
    std::string id;
    std::string payload;
  };
  ClickSpool(Options options, std::shared_ptr<queue::Queue> queue);
  void launch(bool recover_first);
  void run(bool recover_first);
  // Writes and syncs one group, then publishes it; false when the disk refused it.
  bool write_group(std::vector<Pending>& group);
  Status open_segment();
  void track(const std::string& id, uint64_t segment);
  void delete_if_done(uint64_t segment);

  Options options_;
  std::shared_ptr<queue::Queue> queue_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Pending> pending_;
  bool stop_ = false;
  std::thread thread_;

  // Owned by whoever holds segments_mu_.
  mutable std::mutex segments_mu_;
  int fd_ = -1;
  uint64_t segment_ = 0;       // the one being written
  size_t segment_size_ = 0;
  std::map<uint64_t, size_t> outstanding_;               // segment → batches not yet released
  std::unordered_map<std::string, uint64_t> segment_of_;  // batch id → segment
  std::vector<Pending> unpublished_;                       // on disk, refused by the queue; retried
  uint64_t syncs_ = 0;
};

}  // namespace shortstack::clicks
