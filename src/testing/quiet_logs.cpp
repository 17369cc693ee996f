// Tests create many databases; their info-level logs would bury the test output. Set
// SHORTSTACK_TEST_LOG=debug to see them.
#include <cstdlib>

#include "log/log.h"

namespace {
const bool kQuiet = [] {
  shortstack::log::Level level = shortstack::log::Level::Warn;
  if (const char* want = std::getenv("SHORTSTACK_TEST_LOG")) shortstack::log::parse_level(want, level);
  shortstack::log::set_level(level);
  return true;
}();
}  // namespace
