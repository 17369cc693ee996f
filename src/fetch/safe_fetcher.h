#pragma once
// Fetches a URL that a stranger chose without letting it reach anything private. The fetcher parses
// the URL, resolves the host itself, refuses the request if any address is forbidden
// (address_policy.h), and pins the connection to an address it checked, so DNS rebinding between
// the check and the connect cannot redirect it; the connect itself is checked once more. Redirects
// are followed by hand, each hop checked the same way. Redirects, body size and total time are
// capped. Proxies from the environment are ignored: a proxy would connect where we cannot look.
// Blocking: call it from the blocking pool, never from an event loop.
#include <chrono>
#include <string>

#include "core/result.h"
#include "fetch/address_policy.h"

namespace shortstack::fetch {

struct FetchOptions {
  AddressPolicy policy;
  size_t max_redirects = 5;
  size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds timeout{5000};  // for the whole fetch, every hop included
  std::string user_agent = "shortstack-fetcher/1 (+link preview)";
};

struct Fetched {
  int status = 0;
  std::string url;  // after redirects
  std::string content_type;
  std::string body;
  size_t redirects = 0;
};

// Errors: 400 invalid_url, 403 forbidden_address, 413 too_large, 502 fetch_failed,
// 504 fetch_timeout, 508 too_many_redirects.
Result<Fetched> fetch(const std::string& url, const FetchOptions& options);

}  // namespace shortstack::fetch
