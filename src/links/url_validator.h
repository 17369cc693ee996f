#pragma once
// Validation and normalisation of link targets. The normalised URL is what is stored and what goes,
// byte for byte, into the Location header, so it must never carry CR, LF or other controls.
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shortstack::links {

struct UrlPolicy {
  size_t max_length = 2048;
  std::vector<std::string> blocked_domains;  // a domain blocks itself and every subdomain
  std::vector<std::string> own_hosts;        // links back to the service itself would loop
};

struct NormalizedUrl {
  std::string url;
  std::string host;  // lowercase, punycode
};

Result<NormalizedUrl> normalize_url(std::string_view input, const UrlPolicy& policy);

// True when host equals domain or is a subdomain of it. Both lowercase.
bool host_matches_domain(std::string_view host, std::string_view domain);

}  // namespace shortstack::links
