#pragma once
// Click events and the batches they travel in. A batch id is "<instance>-<sequence>": unique across
// instances and restarts (the instance id is random per process start), which is what lets the
// aggregator recognise a redelivered batch.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shortstack::clicks {

enum class ClickKind : uint8_t { Human = 0, Bot = 1 };

struct ClickEvent {
  int64_t link_id = 0;
  int64_t at = 0;  // Unix seconds
  ClickKind kind = ClickKind::Human;
};

struct ClickBatch {
  std::string id;
  std::vector<ClickEvent> events;
};

std::string encode_batch(const ClickBatch& batch);
std::optional<ClickBatch> decode_batch(std::string_view payload);

inline constexpr std::string_view kClickSubject = "clicks";

}  // namespace shortstack::clicks
