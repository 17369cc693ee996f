#pragma once
// Click events and the batches they travel in. A batch id is "<instance>-<sequence>": unique across
// instances and restarts (the instance id is random per process start), which is what lets the
// aggregator recognise a redelivered batch.
//
// Events carry what was seen, not what it means: the raw User-Agent and the referrer's host go
// through the queue, and the consumer classifies them (bot or human, device, browser, OS). That keeps
// the redirect path to a few copies, and lets a new bot list apply without touching the app tier.
// Strings repeat heavily within a batch, so each batch carries a string table and events index it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shortstack::clicks {

struct ClickEvent {
  int64_t link_id = 0;
  int64_t owner_id = 0;
  int64_t at = 0;            // Unix seconds
  uint64_t visitor = 0;      // keyed hash of IP and User-Agent under the day's key; never the IP itself
  uint32_t user_agent = 0;   // index into ClickBatch::strings; 0 is the empty string
  uint32_t referrer = 0;     // the Referer's host, same table
  std::array<char, 2> country{};  // ISO 3166 alpha-2 from the trusted edge header; zeros when unknown
};

struct ClickBatch {
  std::string id;
  std::vector<std::string> strings{std::string()};  // strings[0] is always ""
  std::vector<ClickEvent> events;
};

// The text form, for the queue and the spool (readable with `less` when something goes wrong):
//   v2 <batch id>\n
//   s <string, with bytes below 0x21, 0x7f and '%' written as %XX>\n   (strings[1], strings[2], ...)
//   e <link> <owner> <at> <visitor, hex> <user agent index> <referrer index> <country or ->\n
std::string encode_batch(const ClickBatch& batch);
// nullopt for anything malformed, including indexes outside the string table.
std::optional<ClickBatch> decode_batch(std::string_view payload);

// The id from a payload's first line, even when the rest is damaged; empty when there is none.
std::string batch_id_of(std::string_view payload);

inline constexpr std::string_view kClickSubject = "clicks";

}  // namespace shortstack::clicks
