#pragma once
// The Queue on NATS JetStream (stage 3 and up): one file-backed stream with work-queue retention,
// and one durable pull consumer per subject with explicit acks. A message is gone once a consumer
// acks it; one not acked within `ack_wait` (a worker killed mid-round) is delivered again, which the
// click batches' ids make harmless. Publishing waits for the server's acknowledgement, so a
// published batch is on the server's disk before the spool lets go of it.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "queue/queue.h"

struct __natsConnection;
struct __jsCtx;
struct __natsSubscription;
struct __natsMsg;

namespace shortstack::queue {

struct NatsOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::string stream = "SHORTSTACK";
  std::string subject_prefix = "ss";  // subject "clicks" travels as "ss.clicks"
  std::chrono::milliseconds ack_wait{30000};
  std::chrono::milliseconds timeout{2000};  // connect and each request to the server
};

class NatsQueue final : public Queue {
 public:
  static constexpr std::chrono::milliseconds kMinFetchWait{50};
  // Connects and creates the stream if it does not exist.
  static Result<std::shared_ptr<NatsQueue>> open(NatsOptions options);
  ~NatsQueue() override;
  Status publish(std::string_view subject, std::string_view payload) override;
  Result<std::vector<Message>> fetch(std::string_view subject, size_t max, std::chrono::milliseconds wait) override;
  Status ack(const Message& m) override;
  Status nack(const Message& m) override;
  Result<size_t> pending(std::string_view subject) override;

 private:
  explicit NatsQueue(NatsOptions options) : options_(std::move(options)) {}
  Result<__natsSubscription*> subscription(std::string_view subject);
  std::string wire_subject(std::string_view subject) const { return options_.subject_prefix + "." + std::string(subject); }
  std::string consumer_name(std::string_view subject) const;
  __natsMsg* take(const Message& m);

  NatsOptions options_;
  __natsConnection* nc_ = nullptr;
  __jsCtx* js_ = nullptr;
  std::mutex mu_;
  std::map<std::string, __natsSubscription*, std::less<>> subs_;
  std::map<uint64_t, __natsMsg*> in_flight_;  // fetched, not yet acked or nacked
  uint64_t next_tag_ = 1;
};

}  // namespace shortstack::queue
