// libFuzzer target: the Cookie header is attacker-controlled on every request. The parser must never
// crash or read outside the header, and what it returns must be a piece of the header that holds
// no separator.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/cookie.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  for (std::string_view name : {"ss_session", "a", ""}) {
    const std::string_view v = shortstack::http::cookie_value(header, name);
    if (v.empty()) continue;
    if (v.data() < header.data() || v.data() + v.size() > header.data() + header.size()) std::abort();
    if (v.find(';') != std::string_view::npos) std::abort();
  }
  return 0;
}
