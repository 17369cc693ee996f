#pragma once
// Reading one cookie from a Cookie header. Clients send anything here, so the parser is small,
// never allocates, and is fuzzed (cookie_fuzz.cpp).
#include <string_view>

namespace shortstack::http {

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or empty when it is absent. Names match
// exactly (no prefix matches); surrounding spaces are ignored.
std::string_view cookie_value(std::string_view header, std::string_view name);

}  // namespace shortstack::http
