// libFuzzer target: URL normalisation must never crash, and whatever it accepts must be safe to put in
// a Location header (no CR, LF or other controls), within the length limit, and stable when normalised
// again (normalising an accepted URL gives the same URL).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "links/url_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  shortstack::links::UrlPolicy policy;
  policy.blocked_domains = {"blocked.example"};
  auto r = shortstack::links::normalize_url(in, policy);
  if (!r) {
    if (r.error().http_status != 400) std::abort();
    return 0;
  }
  const std::string& url = r->url;
  if (url.size() > policy.max_length) std::abort();
  for (unsigned char c : url)
    if (c <= 0x20 || c >= 0x7f) std::abort();
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) std::abort();
  auto again = shortstack::links::normalize_url(url, policy);
  if (!again || again->url != url) std::abort();
  return 0;
}
