#pragma once
// A parsed HTTP/1.1 request. Every view points into the connection's read buffer, which is left
// untouched until the response to this request has been written.
#include <array>
#include <cstdint>
#include <string_view>

namespace shortstack::http {

enum class Method : uint8_t { Get, Head, Post, Put, Patch, Delete, Options, Other };

// Trivially constructible on purpose: a Request is made per request, and value-initialising 64
// string_view pairs (2 KiB) each time showed up as a third of the parser's cost.
struct HeaderField {
  const char* name_data;
  const char* value_data;
  uint32_t name_size;
  uint32_t value_size;
  std::string_view name() const { return {name_data, name_size}; }
  std::string_view value() const { return {value_data, value_size}; }
};

struct Request {
  static constexpr size_t kMaxHeaders = 64;

  Method method = Method::Other;
  std::string_view method_text;
  std::string_view target;  // path plus query, as sent
  std::string_view path;
  std::string_view query;   // without the '?'
  bool keep_alive = true;
  bool head() const { return method == Method::Head; }

  // The headers the service looks at are pulled out once during parsing.
  std::string_view host, cookie, authorization, content_type, user_agent, referer, csrf_token, traceparent,
      request_id, accept;
  std::string_view body;

  std::array<HeaderField, kMaxHeaders> headers;  // only the first header_count are set
  size_t header_count = 0;

  std::string_view header(std::string_view name) const;  // case-insensitive; empty when absent
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace shortstack::http
