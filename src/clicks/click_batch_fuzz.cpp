// libFuzzer target: click batches arrive from the queue and from the on-disk spool, both of which can
// hold damaged bytes. Decoding must never crash, and what it accepts must encode back to bytes that
// decode to the same batch.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "clicks/click_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shortstack::clicks;
  auto batch = decode_batch(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!batch) return 0;
  const std::string again = encode_batch(*batch);
  auto back = decode_batch(again);
  if (!back || back->id != batch->id || back->strings != batch->strings || back->events.size() != batch->events.size())
    std::abort();
  for (size_t i = 0; i < batch->events.size(); ++i) {
    const ClickEvent &a = batch->events[i], &b = back->events[i];
    if (a.link_id != b.link_id || a.owner_id != b.owner_id || a.at != b.at || a.visitor != b.visitor ||
        a.user_agent != b.user_agent || a.referrer != b.referrer || a.country != b.country)
      std::abort();
  }
  if (encode_batch(*back) != again) std::abort();
  return 0;
}
