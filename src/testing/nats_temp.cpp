#include "testing/nats_temp.h"

#include "testing/test_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shortstack::testing {

std::string test_nats_url() {
  return required_env("SHORTSTACK_TEST_NATS", "start scripts/test-nats.sh DIR start and export the URL it prints");
}

std::pair<std::string, std::string> unique_nats_stream() {
  const std::string id = unique_test_name("");
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
