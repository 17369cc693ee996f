#include "testing/test_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shortstack::testing {

std::string required_env(const char* name, const char* how) {
  const char* v = std::getenv(name);
  if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set: run the tests with `make test`, or " + how);
  return v;
}

std::string unique_test_name(const std::string& prefix, const std::string& separator) {
  static std::atomic<int> n{0};
  return prefix + std::to_string(getpid()) + separator + std::to_string(n++);
}

}  // namespace shortstack::testing
