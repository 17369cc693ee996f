#include "http/request_parser.h"

#include <cstring>

#include "core/ascii.h"

namespace shortstack::http {
namespace {

ParseResult error(int status, const char* why) { return {ParseStatus::Error, 0, status, why}; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool is_token_char(unsigned char c) {
  // RFC 9110 tchar.
  if (c >= '0' && c <= '9') return true;
  if ((c | 32) >= 'a' && (c | 32) <= 'z') return true;
  return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool is_field_value_char(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

Method method_of(std::string_view m) {
  switch (m.size()) {
    case 3:
      if (m == "GET") return Method::Get;
      if (m == "PUT") return Method::Put;
      break;
    case 4:
      if (m == "HEAD") return Method::Head;
      if (m == "POST") return Method::Post;
      break;
    case 5:
      if (m == "PATCH") return Method::Patch;
      break;
    case 6:
      if (m == "DELETE") return Method::Delete;
      break;
    case 7:
      if (m == "OPTIONS") return Method::Options;
      break;
  }
  return Method::Other;
}

bool parse_content_length(std::string_view v, size_t& out) {
  if (v.empty() || v.size() > 18) return false;
  size_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  out = n;
  return true;
}

// Connection tokens are a comma list; we only care about close and keep-alive.
void apply_connection_header(std::string_view v, bool& keep_alive) {
  while (!v.empty()) {
    size_t comma = v.find(',');
    std::string_view token = trim_space(v.substr(0, comma));
    if (iequals(token, "close")) keep_alive = false;
    else if (iequals(token, "keep-alive")) keep_alive = true;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
}

struct KnownHeader {
  std::string_view name;
  std::string_view Request::*field;
};
constexpr KnownHeader kKnownHeaders[] = {
    {"host", &Request::host},
    {"cookie", &Request::cookie},
    {"authorization", &Request::authorization},
    {"content-type", &Request::content_type},
    {"user-agent", &Request::user_agent},
    {"referer", &Request::referer},
    {"x-csrf-token", &Request::csrf_token},
    {"traceparent", &Request::traceparent},
    {"x-request-id", &Request::request_id},
    {"accept", &Request::accept},
};

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view Request::header(std::string_view name) const {
  for (size_t i = 0; i < header_count; ++i)
    if (iequals(headers[i].name(), name)) return headers[i].value();
  return {};
}

ParseResult parse_request(std::string_view in, const ParserLimits& limits, Request& req) {
  // Tolerate stray CRLFs between pipelined requests (RFC 9112 section 2.2).
  size_t start = 0;
  while (start + 1 < in.size() && in[start] == '\r' && in[start + 1] == '\n') start += 2;

  const size_t head_end = in.find("\r\n\r\n", start);
  if (head_end == std::string_view::npos) {
    if (in.size() - start > limits.max_header_bytes) return error(431, "request header too large");
    return {};
  }
  if (head_end + 4 - start > limits.max_header_bytes) return error(431, "request header too large");
  std::string_view head = in.substr(start, head_end - start);

  // Reset field by field: assigning a fresh Request would copy the whole header array.
  req.method = Method::Other;
  req.method_text = req.target = req.path = req.query = {};
  req.host = req.cookie = req.authorization = req.content_type = req.user_agent = req.referer = req.csrf_token =
      req.traceparent = req.request_id = req.accept = req.body = {};
  req.header_count = 0;
  // Request line: METHOD SP target SP HTTP/1.x
  const size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0)
    return error(400, "malformed request line");
  req.method_text = line.substr(0, sp1);
  for (char c : req.method_text)
    if (!is_token_char(static_cast<unsigned char>(c))) return error(400, "malformed method");
  req.method = method_of(req.method_text);
  req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (req.target.empty() || req.target.front() != '/') return error(400, "request target must be origin-form");
  for (char c : req.target)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) == 0x7f)
      return error(400, "malformed request target");
  const std::string_view version = line.substr(sp2 + 1);
  if (version == "HTTP/1.1") {
    req.keep_alive = true;
  } else if (version == "HTTP/1.0") {
    req.keep_alive = false;
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/") {
    return error(505, "HTTP version not supported");
  } else {
    return error(400, "malformed HTTP version");
  }
  const size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string_view::npos) req.query = req.target.substr(q + 1);

  // Header fields.
  size_t content_length = 0;
  bool have_length = false;
  std::string_view rest = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
  while (!rest.empty()) {
    const size_t eol = rest.find("\r\n");
    std::string_view field = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
    if (field.empty() || field.front() == ' ' || field.front() == '\t') return error(400, "obsolete line folding");
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) return error(400, "malformed header field");
    std::string_view name = field.substr(0, colon);
    for (char c : name)
      if (!is_token_char(static_cast<unsigned char>(c))) return error(400, "malformed header name");
    std::string_view value = trim_space(field.substr(colon + 1));
    for (char c : value)
      if (!is_field_value_char(static_cast<unsigned char>(c))) return error(400, "malformed header value");
    if (req.header_count == Request::kMaxHeaders) return error(431, "too many header fields");
    req.headers[req.header_count++] = {name.data(), value.data(), static_cast<uint32_t>(name.size()),
                                       static_cast<uint32_t>(value.size())};

    if (iequals(name, "content-length")) {
      size_t n = 0;
      if (!parse_content_length(value, n) || (have_length && n != content_length))
        return error(400, "invalid Content-Length");
      content_length = n;
      have_length = true;
    } else if (iequals(name, "transfer-encoding")) {
      return error(501, "Transfer-Encoding is not supported; send Content-Length");
    } else if (iequals(name, "connection")) {
      apply_connection_header(value, req.keep_alive);
    } else {
      for (const auto& known : kKnownHeaders)
        if (iequals(name, known.name)) {
          req.*known.field = value;
          break;
        }
    }
  }
  if (version == "HTTP/1.1" && req.host.empty()) return error(400, "Host header is required");
  if (content_length > limits.max_body_bytes) return error(413, "request body too large");

  const size_t body_start = head_end + 4;
  if (in.size() - body_start < content_length) return {};
  req.body = in.substr(body_start, content_length);
  return {ParseStatus::Complete, body_start + content_length, 0, ""};
}

}  // namespace shortstack::http
