#include "testing/redis_temp.h"

#include "testing/test_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shortstack::testing {
namespace {

std::string env_or_throw(const char* name) {
  return required_env(name, "start scripts/test-redis.sh DIR start and export SHORTSTACK_TEST_REDIS (its output) and "
                            "SHORTSTACK_TEST_REDIS_CTL=\"$PWD/scripts/test-redis.sh DIR\"");
}

// $SHORTSTACK_TEST_REDIS_CTL is "<abs path>/scripts/test-redis.sh <abs dir>".
void run_script(const std::string& command) {
  const std::string cmd = env_or_throw("SHORTSTACK_TEST_REDIS_CTL") + " " + command + " >/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("test Redis: '" + command + "' failed");
}

}  // namespace

std::string test_redis_address() { return env_or_throw("SHORTSTACK_TEST_REDIS"); }

std::shared_ptr<store::redis::RedisPool> test_redis_pool() {
  const std::string address = test_redis_address();
  store::redis::RedisOptions o;
  o.host = address.substr(0, address.rfind(':'));
  o.port = std::stoi(address.substr(address.rfind(':') + 1));
  o.retry_after = std::chrono::milliseconds(200);
  return std::make_shared<store::redis::RedisPool>(o);
}

std::string unique_redis_prefix() { return unique_test_name("t") + ":"; }

void stop_test_redis() { run_script("stop"); }
void start_test_redis() { run_script("start"); }

}  // namespace shortstack::testing
