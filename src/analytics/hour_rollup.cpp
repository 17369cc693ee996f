#include "analytics/hour_rollup.h"

#include <algorithm>
#include <charconv>

namespace shortstack::analytics {
namespace {

constexpr char kLetters[] = {'r', 'c', 'd', 'b', 'o'};

std::optional<Dimension> dimension_of_letter(char c) {
  for (Dimension d : kDimensions)
    if (kLetters[static_cast<int>(d)] == c) return d;
  return std::nullopt;
}

}  // namespace

std::string_view dimension_name(Dimension d) {
  switch (d) {
    case Dimension::Referrer: return "referrers";
    case Dimension::Country: return "countries";
    case Dimension::Device: return "devices";
    case Dimension::Browser: return "browsers";
    case Dimension::Os: return "os";
  }
  return "unknown";
}

void HourRollup::add_to(Dimension d, std::string_view key, int64_t n) {
  size_t keys = 0;
  BreakdownEntry* other = nullptr;
  for (BreakdownEntry& e : breakdown) {
    if (e.dimension != d) continue;
    if (e.key == key) {
      e.clicks += n;
      return;
    }
    if (e.key == kOtherKey) other = &e;
    ++keys;
  }
  if (keys < kMaxKeysPerDimension || key == kOtherKey) {
    breakdown.push_back({d, std::string(key), n});
  } else if (other) {
    other->clicks += n;
  } else {
    breakdown.push_back({d, std::string(kOtherKey), n});
  }
}

void HourRollup::add_human(std::string_view referrer, std::string_view country, std::string_view device,
                           std::string_view browser, std::string_view os, uint64_t visitor, int64_t n) {
  clicks += n;
  add_to(Dimension::Referrer, referrer, n);
  add_to(Dimension::Country, country, n);
  add_to(Dimension::Device, device, n);
  add_to(Dimension::Browser, browser, n);
  add_to(Dimension::Os, os, n);
  visitors.add(visitor);
}

void HourRollup::merge(const HourRollup& other) {
  if (clicks == 0 && bots == 0 && breakdown.empty() && visitors.empty()) {
    *this = other;  // the common case while merging a round: the first sighting of a link-hour
    return;
  }
  if (owner_id == 0) owner_id = other.owner_id;
  clicks += other.clicks;
  bots += other.bots;
  for (const BreakdownEntry& e : other.breakdown) add_to(e.dimension, e.key, e.clicks);
  visitors.merge(other.visitors);
}

std::string HourRollup::encode_breakdown() const {
  std::string out;
  append_breakdown(out);
  return out;
}

void HourRollup::append_breakdown(std::string& out) const {
  // Sized once and written through a pointer: a round encodes one of these per link-hour, and
  // character-at-a-time appends were a visible share of the aggregator's time.
  constexpr size_t kMaxDigits = 20;
  size_t most = 0;
  for (const BreakdownEntry& e : breakdown) most += e.key.size() + 4 + kMaxDigits;
  const size_t start = out.size();
  out.resize(start + most);
  char* p = out.data() + start;
  for (const BreakdownEntry& e : breakdown) {
    *p++ = kLetters[static_cast<int>(e.dimension)];
    *p++ = '\t';
    p = std::copy(e.key.begin(), e.key.end(), p);  // keys are normalised without tabs or newlines before they get here
    *p++ = '\t';
    p = std::to_chars(p, p + kMaxDigits, e.clicks).ptr;
    *p++ = '\n';
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

namespace {

// Calls fn(dimension, key, clicks) for each line of an encoded breakdown; false at the first line
// that does not decode.
template <class F>
bool for_each_encoded_entry(std::string_view text, F&& fn) {
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    if (eol == std::string_view::npos) return false;
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
    const size_t tab1 = line.find('\t');
    const size_t tab2 = line.rfind('\t');
    if (tab1 != 1 || tab2 == tab1) return false;
    const auto dim = dimension_of_letter(line[0]);
    if (!dim) return false;
    int64_t clicks = 0;
    const char* end = line.data() + line.size();
    auto [p, ec] = std::from_chars(line.data() + tab2 + 1, end, clicks);
    if (ec != std::errc() || p != end || clicks < 0) return false;
    fn(*dim, line.substr(2, tab2 - 2), clicks);
  }
  return true;
}

}  // namespace

std::optional<Breakdown> HourRollup::decode_breakdown(std::string_view text) {
  Breakdown out;
  const bool ok = for_each_encoded_entry(text, [&](Dimension d, std::string_view key, int64_t clicks) {
    out.push_back({d, std::string(key), clicks});
  });
  if (!ok) return std::nullopt;
  return out;
}

bool HourRollup::valid_breakdown(std::string_view text) {
  return for_each_encoded_entry(text, [](Dimension, std::string_view, int64_t) {});
}

}  // namespace shortstack::analytics
