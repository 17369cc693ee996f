// Whatever bytes the shared cache hands back, decoding never crashes, and anything it accepts
// encodes back to exactly those bytes (so nothing is silently reinterpreted).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "links/redirect_entry_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto e = shortstack::links::decode_entry(bytes)) {
    if (shortstack::links::encode_entry(*e) != bytes) std::abort();
  }
  return 0;
}
