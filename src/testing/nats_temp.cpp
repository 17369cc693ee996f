#include "testing/nats_temp.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shortstack::testing {

std::string test_nats_url() {
  const char* v = std::getenv("SHORTSTACK_TEST_NATS");
  if (!v || !*v)
    throw std::runtime_error("SHORTSTACK_TEST_NATS is not set: run the tests with `make test`, or start "
                             "scripts/test-nats.sh DIR start and export the URL it prints");
  return v;
}

std::pair<std::string, std::string> unique_nats_stream() {
  static std::atomic<int> n{0};
  const std::string id = std::to_string(getpid()) + "_" + std::to_string(n++);
  return {"T" + id, "t" + id};
}

std::shared_ptr<queue::NatsQueue> temp_nats_queue(std::chrono::milliseconds ack_wait) {
  queue::NatsOptions o;
  o.url = test_nats_url();
  std::tie(o.stream, o.subject_prefix) = unique_nats_stream();
  o.ack_wait = ack_wait;
  auto q = queue::NatsQueue::open(o);
  if (!q) throw std::runtime_error("test NATS: " + q.error().message);
  return *q;
}

}  // namespace shortstack::testing
