#pragma once
// The hot-path end of the click pipeline: each event loop appends to its own buffer (no lock, no
// syscall) and hands the buffer to the queue as one batch per tick.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "clicks/click_batch.h"
#include "queue/queue.h"

namespace shortstack::clicks {

class ClickRecorder {
 public:
  ClickRecorder(std::shared_ptr<queue::Queue> queue, size_t loops);
  // On event loop `loop` only.
  void record(size_t loop, const ClickEvent& e) { buffers_[loop].events.push_back(e); }
  // On event loop `loop` only: publishes what that loop has gathered as one batch.
  void flush(size_t loop);
  const std::string& instance_id() const { return instance_id_; }
  uint64_t failed_publishes() const { return failed_publishes_.load(); }

 private:
  struct alignas(64) Buffer {
    std::vector<ClickEvent> events;
    std::vector<std::string> unpublished;  // batches the queue refused; retried before new ones
  };
  std::shared_ptr<queue::Queue> queue_;
  std::string instance_id_;
  std::atomic<uint64_t> sequence_{0};
  std::atomic<uint64_t> failed_publishes_{0};
  std::vector<Buffer> buffers_;
};

}  // namespace shortstack::clicks
