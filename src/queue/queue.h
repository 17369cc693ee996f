#pragma once
// The Queue seam: at-least-once delivery of opaque payloads by subject. A fetched message that is not
// acked within the ack timeout (or is nacked) is delivered again, so consumers must be idempotent:
// click batches carry ids for exactly that reason. Backends: in-process (stage 1); NATS JetStream later.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shortstack::queue {

struct Message {
  uint64_t delivery_tag = 0;
  std::string subject;
  std::string payload;
  int deliveries = 1;  // 1 on first delivery
};

class Queue {
 public:
  virtual ~Queue() = default;
  virtual Status publish(std::string_view subject, std::string_view payload) = 0;
  // Up to `max` messages, waiting at most `wait` for the first one.
  virtual Result<std::vector<Message>> fetch(std::string_view subject, size_t max, std::chrono::milliseconds wait) = 0;
  virtual Status ack(const Message& m) = 0;
  virtual Status nack(const Message& m) = 0;
  // Messages published and not yet acked (ready or in flight).
  virtual Result<size_t> pending(std::string_view subject) = 0;
};

}  // namespace shortstack::queue
