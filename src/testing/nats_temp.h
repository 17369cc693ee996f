#pragma once
// The test NATS: `make test` starts one throwaway server (scripts/test-nats.sh) and passes its URL in
// $SHORTSTACK_TEST_NATS. Each queue made here has its own stream and subject prefix.
#include <chrono>
#include <memory>
#include <string>

#include "queue/nats_queue.h"

namespace shortstack::testing {

// Throws (failing the test, never skipping it) when no server was started.
std::string test_nats_url();
// A stream and subject prefix no other test uses: {"T<pid>_<n>", "t<pid>_<n>"}.
std::pair<std::string, std::string> unique_nats_stream();
std::shared_ptr<queue::NatsQueue> temp_nats_queue(std::chrono::milliseconds ack_wait = std::chrono::seconds(30));

}  // namespace shortstack::testing
