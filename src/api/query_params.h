#pragma once
#include <string_view>

namespace shortstack::api {

// The value of one query parameter (no percent-decoding: the parameters here are plain tokens, and
// RFC 3339 timestamps must use 'Z' or a %2B-free offset).
std::string_view query_param(std::string_view query, std::string_view name);

}  // namespace shortstack::api
