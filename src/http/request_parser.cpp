#include "http/request_parser.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>

#include "core/ascii.h"

namespace shortstack::http {
namespace {

ParseResult error(int status, const char* why) { return {ParseStatus::Error, 0, status, why}; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// RFC 9110 tchar, as a table: names are checked byte by byte, and the punctuation case (the '-' of
// most names) was a strchr per byte.
constexpr std::array<bool, 256> kTokenChars = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = t[static_cast<size_t>(c - 32)] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}();

bool is_token_char(unsigned char c) { return kTokenChars[c]; }

bool is_field_value_char(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

// Whether every byte of a field value is HTAB, SP, VCHAR or obs-text (RFC 9110 field-value). Sixteen
// bytes at a time where SSE2 is there: a browser's User-Agent alone is 100-250 bytes, and a
// byte-at-a-time check was the larger part of parsing one (BM_ParseRedirectRequest).
bool valid_field_value(std::string_view v) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20), tab = _mm_set1_epi8('\t'), del = _mm_set1_epi8(0x7f);
  for (; i + 16 <= v.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(v.data() + i));
    const __m128i at_least_space = _mm_cmpeq_epi8(_mm_max_epu8(x, space), x);  // unsigned x >= 0x20
    const __m128i tab_or_above = _mm_or_si128(at_least_space, _mm_cmpeq_epi8(x, tab));
    const __m128i allowed = _mm_andnot_si128(_mm_cmpeq_epi8(x, del), tab_or_above);
    if (_mm_movemask_epi8(allowed) != 0xffff) return false;
  }
#endif
  for (; i < v.size(); ++i)
    if (!is_field_value_char(static_cast<unsigned char>(v[i]))) return false;
  return true;
}

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

// What the parser does with a header, found by the name's length first, so that most names are
// compared with one candidate at most (a linear search of every known name was a third of parsing
// a browser's request).
struct HeaderRole {
  enum class Kind : uint8_t { Other, Field, ContentLength, TransferEncoding, Connection };
  Kind kind = Kind::Other;
  std::string_view Request::*field = nullptr;  // for Kind::Field
};

HeaderRole stored_in(std::string_view Request::*f) { return {HeaderRole::Kind::Field, f}; }

HeaderRole role_of(std::string_view name) {
  using Kind = HeaderRole::Kind;
  const auto is = [name](std::string_view known) { return iequals(name, known); };
  switch (name.size()) {
    case 4:
      if (is("host")) return stored_in(&Request::host);
      break;
    case 6:
      if (is("cookie")) return stored_in(&Request::cookie);
      if (is("accept")) return stored_in(&Request::accept);
      break;
    case 7:
      if (is("referer")) return stored_in(&Request::referer);
      break;
    case 10:
      if (is("user-agent")) return stored_in(&Request::user_agent);
      if (is("connection")) return {Kind::Connection};
      break;
    case 11:
      if (is("traceparent")) return stored_in(&Request::traceparent);
      break;
    case 12:
      if (is("content-type")) return stored_in(&Request::content_type);
      if (is("x-csrf-token")) return stored_in(&Request::csrf_token);
      if (is("x-request-id")) return stored_in(&Request::request_id);
      break;
    case 13:
      if (is("authorization")) return stored_in(&Request::authorization);
      break;
    case 14:
      if (is("content-length")) return {Kind::ContentLength};
      break;
    case 17:
      if (is("transfer-encoding")) return {Kind::TransferEncoding};
      break;
  }
  return {};
}

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
    if (!valid_field_value(value)) return error(400, "malformed header value");
    if (req.header_count == Request::kMaxHeaders) return error(431, "too many header fields");
    req.headers[req.header_count++] = {name.data(), value.data(), static_cast<uint32_t>(name.size()),
                                       static_cast<uint32_t>(value.size())};

    switch (const HeaderRole role = role_of(name); role.kind) {
      case HeaderRole::Kind::Field:
        req.*role.field = value;
        break;
      case HeaderRole::Kind::ContentLength: {
        size_t n = 0;
        if (!parse_content_length(value, n) || (have_length && n != content_length))
          return error(400, "invalid Content-Length");
        content_length = n;
        have_length = true;
        break;
      }
      case HeaderRole::Kind::TransferEncoding:
        return error(501, "Transfer-Encoding is not supported; send Content-Length");
      case HeaderRole::Kind::Connection:
        apply_connection_header(value, req.keep_alive);
        break;
      case HeaderRole::Kind::Other:
        break;
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
