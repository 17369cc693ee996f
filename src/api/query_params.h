#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace shortstack::api {

// The value of one query parameter (no percent-decoding: the parameters here are plain tokens, and
// RFC 3339 timestamps must use 'Z' or a %2B-free offset).
std::string_view query_param(std::string_view query, std::string_view name);

// One field of an application/x-www-form-urlencoded body, decoded ('+' is a space, %XX a byte).
// nullopt when the field is absent or its encoding is broken.
std::optional<std::string> form_field(std::string_view body, std::string_view name);

}  // namespace shortstack::api
