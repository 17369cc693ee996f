#pragma once
// The test Redis: `make test` starts one throwaway server (scripts/test-redis.sh) and passes its
// address in $SHORTSTACK_TEST_REDIS (and the command that controls it in $SHORTSTACK_TEST_REDIS_CTL,
// for the tests that stop and restart it). Each pool made here uses its own key prefix, so tests never meet.
#include <memory>
#include <string>

#include "store/redis/redis_pool.h"

namespace shortstack::testing {

// "host:port"; throws (failing the test, never skipping it) when no server was started.
std::string test_redis_address();
std::shared_ptr<store::redis::RedisPool> test_redis_pool();
// A prefix no other test uses ("t<pid>_<n>:").
std::string unique_redis_prefix();
// Stops or starts the test server (for outage drills); returns once it is down or answering.
void stop_test_redis();
void start_test_redis();

}  // namespace shortstack::testing
