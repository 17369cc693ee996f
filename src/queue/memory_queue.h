#pragma once
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>

#include "queue/queue.h"

namespace shortstack::queue {

// In-process queue: fast and simple, but it lives and dies with the process. The click pipeline
// pairs it with a graceful-stop flush; the durable spool and JetStream cover crashes.
class MemoryQueue final : public Queue {
 public:
  explicit MemoryQueue(std::chrono::milliseconds ack_timeout = std::chrono::seconds(30)) : ack_timeout_(ack_timeout) {}
  Status publish(std::string_view subject, std::string_view payload) override;
  Result<std::vector<Message>> fetch(std::string_view subject, size_t max, std::chrono::milliseconds wait) override;
  Status ack(const Message& m) override;
  Status nack(const Message& m) override;
  Result<size_t> pending(std::string_view subject) override;
  size_t total_pending();

 private:
  using Clock = std::chrono::steady_clock;
  struct InFlight {
    Message message;
    Clock::time_point deadline;
  };
  struct Subject {
    std::deque<Message> ready;
    std::map<uint64_t, InFlight> in_flight;
  };
  void requeue_expired(Subject& s, Clock::time_point now);

  std::chrono::milliseconds ack_timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Subject> subjects_;
  uint64_t next_tag_ = 1;
};

}  // namespace shortstack::queue
