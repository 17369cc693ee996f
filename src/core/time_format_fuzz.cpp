// libFuzzer target: RFC 3339 parsing never crashes, and anything it accepts formats back to a
// timestamp that parses to the same instant.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/time_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto t = shortstack::parse_rfc3339(std::string_view(reinterpret_cast<const char*>(data), size));
  if (t && shortstack::parse_rfc3339(shortstack::format_rfc3339(*t)) != t) std::abort();
  return 0;
}
