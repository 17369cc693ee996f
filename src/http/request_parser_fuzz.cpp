// libFuzzer target: the request parser must never crash, read out of bounds, or report a request that
// extends past its input, whatever bytes arrive.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  shortstack::http::ParserLimits limits{1024, 4096};
  // Parse like a connection does: request after request until the input runs out.
  for (int i = 0; i < 64 && !in.empty(); ++i) {
    shortstack::http::Request req;
    const auto r = shortstack::http::parse_request(in, limits, req);
    if (r.status != shortstack::http::ParseStatus::Complete) break;
    if (r.consumed == 0 || r.consumed > in.size()) std::abort();
    if (req.body.size() > limits.max_body_bytes) std::abort();
    in.remove_prefix(r.consumed);
  }
  return 0;
}
