#include "links/url_validator.h"

#include <idn2.h>

#include <algorithm>
#include <cstdlib>

#include "core/ascii.h"

namespace shortstack::links {
namespace {

Error invalid(std::string message) { return make_error(400, "invalid_url", std::move(message)); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool is_unreserved_or_sub_delim(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-': case '.': case '_': case '~':
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
    case ':': case '@': case '/': case '?': case '#': case '%': case '[': case ']':
      return true;
    default:
      return false;
  }
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f'); }

// Percent-encodes bytes that may not appear raw in a URL (non-ASCII, quotes, braces...).
// Existing valid %XX escapes are kept as they are.
Result<std::string> encode_rest(std::string_view rest) {
  std::string out;
  out.reserve(rest.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    const auto c = static_cast<unsigned char>(rest[i]);
    if (c == '%') {
      if (i + 2 >= rest.size() || !is_hex(rest[i + 1]) || !is_hex(rest[i + 2]))
        return invalid("URL has a malformed percent-escape");
      out += rest.substr(i, 3);
      i += 2;
    } else if (is_unreserved_or_sub_delim(c)) {
      out += static_cast<char>(c);
    } else {
      append_percent_escape(out, c);
    }
  }
  return out;
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool valid_ipv6_literal(std::string_view h) {
  // h is the text between [ and ]; a light syntax check: hex digits, colons, dots (embedded IPv4).
  if (h.size() < 2 || h.size() > 45) return false;
  return std::all_of(h.begin(), h.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; }) &&
         h.find(':') != std::string_view::npos;
}

bool valid_dns_name(std::string_view h) {
  // The one trailing dot of a fully qualified name was already removed; another means an empty label.
  if (h.empty() || h.size() > 253 || h.back() == '.') return false;
  size_t label = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    const char c = h[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    if (++label > 63) return false;
  }
  return true;
}

Result<std::string> normalize_host(std::string_view raw) {
  if (raw.empty()) return invalid("URL must have a host");
  if (raw.front() == '[') {
    if (raw.back() != ']' || !valid_ipv6_literal(raw.substr(1, raw.size() - 2)))
      return invalid("URL has a malformed IPv6 host");
    std::string h(raw);
    std::transform(h.begin(), h.end(), h.begin(), lower);
    return h;
  }
  std::string host;
  if (is_ascii(raw)) {
    host.assign(raw);
    std::transform(host.begin(), host.end(), host.begin(), lower);
  } else {
    // IDN: convert to punycode (IDNA2008 with UTS#46 mapping), as browsers do.
    std::string utf8(raw);
    char* ascii = nullptr;
    const int rc = idn2_to_ascii_8z(utf8.c_str(), &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) return invalid("URL host is not a valid internationalised domain name");
    host = ascii;
    idn2_free(ascii);
  }
  if (!host.empty() && host.back() == '.') host.pop_back();  // "example.com." is example.com
  if (!valid_dns_name(host)) return invalid("URL host is not a valid domain name or address");
  return host;
}

}  // namespace

bool host_matches_domain(std::string_view host, std::string_view domain) {
  if (domain.empty() || host.size() < domain.size()) return false;
  if (host.substr(host.size() - domain.size()) != domain) return false;
  return host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
}

Result<NormalizedUrl> normalize_url(std::string_view in, const UrlPolicy& policy) {
  if (in.empty()) return invalid("url is required");
  if (in.size() > policy.max_length * 4) return invalid("URL is too long");
  for (char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return invalid("URL must not contain whitespace or control characters");
  }
  const size_t colon = in.find(':');
  if (colon == std::string_view::npos) return invalid("URL must start with http:// or https://");
  std::string scheme(in.substr(0, colon));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), lower);
  if (scheme != "http" && scheme != "https") return invalid("only http and https URLs are allowed");
  if (in.substr(colon, 3) != "://") return invalid("URL must have a host");

  std::string_view after = in.substr(colon + 3);
  const size_t auth_end = after.find_first_of("/?#");
  std::string_view authority = after.substr(0, auth_end);
  std::string_view rest = auth_end == std::string_view::npos ? std::string_view{} : after.substr(auth_end);
  if (authority.find('@') != std::string_view::npos)
    return invalid("URL must not contain credentials (user@host)");
  if (authority.find('%') != std::string_view::npos) return invalid("URL host must not be percent-encoded");

  // Split host and port; an IPv6 literal holds colons of its own.
  std::string_view host_part = authority, port_part;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("URL has a malformed IPv6 host");
    host_part = authority.substr(0, close + 1);
    std::string_view tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return invalid("URL has a malformed host");
      port_part = tail.substr(1);
    }
  } else if (const size_t pc = authority.rfind(':'); pc != std::string_view::npos) {
    host_part = authority.substr(0, pc);
    port_part = authority.substr(pc + 1);
  }
  std::string port;
  if (!port_part.empty()) {
    if (port_part.size() > 5 || !std::all_of(port_part.begin(), port_part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return invalid("URL has an invalid port");
    const long p = std::strtol(std::string(port_part).c_str(), nullptr, 10);
    if (p < 1 || p > 65535) return invalid("URL has an invalid port");
    // The default port is dropped, so http://a:80/ and http://a/ are the same link.
    if (!((scheme == "http" && p == 80) || (scheme == "https" && p == 443))) port = std::to_string(p);
  }

  auto host = normalize_host(host_part);
  if (!host) return host.error();
  for (const auto& d : policy.blocked_domains)
    if (host_matches_domain(*host, d)) return make_error(400, "blocked_domain", "links to " + d + " are not allowed");
  for (const auto& own : policy.own_hosts)
    if (*host == own) return make_error(400, "invalid_url", "links to this service itself are not allowed");

  auto encoded_rest = encode_rest(rest);
  if (!encoded_rest) return encoded_rest.error();
  std::string url = scheme + "://" + *host;
  if (!port.empty()) url += ":" + port;
  if (encoded_rest->empty()) url += "/";
  else if (encoded_rest->front() != '/') url += "/" + *encoded_rest;
  else url += *encoded_rest;
  if (url.size() > policy.max_length)
    return invalid("URL is longer than " + std::to_string(policy.max_length) + " bytes after normalisation");
  return NormalizedUrl{std::move(url), std::move(*host)};
}

}  // namespace shortstack::links
