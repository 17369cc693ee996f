#pragma once
// A small, strict HTTP/1.1 request parser. It never allocates and never reads past `input`.
// Strictness is deliberate: ambiguous framing (both Content-Length and Transfer-Encoding, duplicate
// Content-Length, bare LF, obs-fold) is refused, because such requests are how smuggling starts.
#include <cstddef>
#include <string_view>

#include "http/request.h"

namespace shortstack::http {

struct ParserLimits {
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 1024 * 1024;
};

enum class ParseStatus { Complete, Incomplete, Error };

struct ParseResult {
  ParseStatus status = ParseStatus::Incomplete;
  size_t consumed = 0;     // bytes of input this request occupies, when Complete
  int error_status = 0;    // 400, 413, 431, 501 or 505, when Error
  const char* error = "";  // a short reason, when Error
};

ParseResult parse_request(std::string_view input, const ParserLimits& limits, Request& out);

}  // namespace shortstack::http
