#pragma once
// One link's clicks in one UTC hour: the unit that analytics are stored, merged and queried in.
// Humans are broken down by dimension; bots are only counted.
#include <boost/container/small_vector.hpp>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/visitor_sketch.h"

namespace shortstack::analytics {

enum class Dimension : uint8_t { Referrer, Country, Device, Browser, Os };
inline constexpr Dimension kDimensions[] = {Dimension::Referrer, Dimension::Country, Dimension::Device,
                                            Dimension::Browser, Dimension::Os};
std::string_view dimension_name(Dimension d);  // "referrers", "countries", ... as the stats API names them

struct BreakdownEntry {
  Dimension dimension;
  std::string key;
  int64_t clicks = 0;
};

// One entry per dimension is the common case (a link-hour clicked once), so five live inline: an
// aggregation round over clicks spread across a million links builds tens of thousands of these.
using Breakdown = boost::container::small_vector<BreakdownEntry, std::size(kDimensions)>;

struct HourRollup {
  // Distinct keys kept per dimension and hour; the rest are summed under kOtherKey, so a link linked
  // from thousands of sites still has a bounded row.
  static constexpr size_t kMaxKeysPerDimension = 64;
  static constexpr std::string_view kOtherKey = "(other)";

  int64_t owner_id = 0;
  int64_t clicks = 0;  // human GET redirects
  int64_t bots = 0;
  Breakdown breakdown;
  VisitorSketch visitors;

  void add_human(std::string_view referrer, std::string_view country, std::string_view device,
                 std::string_view browser, std::string_view os, uint64_t visitor, int64_t n = 1);
  void add_to(Dimension d, std::string_view key, int64_t n);
  void merge(const HourRollup& other);

  // The breakdown as text, one "<dimension letter>\t<key>\t<clicks>" line per entry.
  std::string encode_breakdown() const;
  void append_breakdown(std::string& out) const;
  static std::optional<Breakdown> decode_breakdown(std::string_view text);
  // Whether decode_breakdown() would accept the text, without building the entries.
  static bool valid_breakdown(std::string_view text);
};

struct LinkHour {
  int64_t link_id = 0;
  int64_t hour = 0;  // Unix seconds / 3600
  auto operator<=>(const LinkHour&) const = default;
};

}  // namespace shortstack::analytics
