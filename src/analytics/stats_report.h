#pragma once
// What the stats API answers, computed from a link's hourly rows. Pure functions: no store, no JSON.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analytics/click_store.h"

namespace shortstack::analytics {

struct StatsRange {
  int64_t from_hour = 0;  // inclusive
  int64_t to_hour = 0;    // exclusive
  bool daily = false;     // series points per UTC day instead of per hour
};

struct KeyCount {
  std::string key;
  int64_t clicks = 0;
};

struct StatsReport {
  int64_t clicks = 0;  // human GET redirects in the range
  int64_t bots = 0;
  int64_t unique_visitors = 0;  // per UTC day (the visitor salt rotates daily), summed over days
  std::vector<std::pair<int64_t, int64_t>> series;  // (Unix start of the hour or day, clicks); sums to clicks
  std::vector<std::pair<Dimension, std::vector<KeyCount>>> breakdowns;  // each sums to clicks
};

// Keys beyond this many per dimension are folded into HourRollup::kOtherKey, so every list still sums
// to the total.
inline constexpr size_t kTopKeysPerDimension = 20;

// `rows` are the link's rows within the range, oldest first, as ClickStore::hours returns them.
StatsReport build_report(const std::vector<HourRow>& rows, const StatsRange& range);

}  // namespace shortstack::analytics
