#include "analytics/stats_report.h"

#include <algorithm>
#include <map>

namespace shortstack::analytics {
namespace {

std::vector<KeyCount> ranked(const std::map<std::string, int64_t>& counts) {
  std::vector<KeyCount> all;
  int64_t other = 0;
  for (const auto& [key, n] : counts) {
    if (key == HourRollup::kOtherKey) other += n;
    else all.push_back({key, n});
  }
  std::sort(all.begin(), all.end(), [](const KeyCount& a, const KeyCount& b) {
    return a.clicks != b.clicks ? a.clicks > b.clicks : a.key < b.key;
  });
  if (all.size() > kTopKeysPerDimension) {
    for (size_t i = kTopKeysPerDimension; i < all.size(); ++i) other += all[i].clicks;
    all.resize(kTopKeysPerDimension);
  }
  if (other > 0) all.push_back({std::string(HourRollup::kOtherKey), other});
  return all;
}

std::vector<std::pair<int64_t, int64_t>> empty_series(const StatsRange& range) {
  std::vector<std::pair<int64_t, int64_t>> series;
  const int64_t step = range.daily ? 24 : 1;
  const int64_t first = range.daily ? range.from_hour / 24 * 24 : range.from_hour;
  for (int64_t h = first; h < range.to_hour; h += step) series.emplace_back(h * 3600, 0);
  return series;
}

}  // namespace

StatsReport build_report(const std::vector<HourRow>& rows, const StatsRange& range) {
  StatsReport report;
  report.series = empty_series(range);
  const int64_t first_hour = report.series.empty() ? range.from_hour : report.series.front().first / 3600;
  const int64_t step = range.daily ? 24 : 1;
  std::map<Dimension, std::map<std::string, int64_t>> by_dimension;
  std::map<int64_t, VisitorSketch> visitors_by_day;
  for (const HourRow& row : rows) {
    if (row.hour < range.from_hour || row.hour >= range.to_hour) continue;
    const HourRollup& r = row.rollup;
    report.clicks += r.clicks;
    report.bots += r.bots;
    const size_t point = static_cast<size_t>((row.hour - first_hour) / step);
    if (point < report.series.size()) report.series[point].second += r.clicks;
    for (const BreakdownEntry& e : r.breakdown) by_dimension[e.dimension][e.key] += e.clicks;
    visitors_by_day[row.hour / 24].merge(r.visitors);
  }
  for (const auto& [day, sketch] : visitors_by_day) report.unique_visitors += static_cast<int64_t>(sketch.estimate());
  for (Dimension d : kDimensions) report.breakdowns.emplace_back(d, ranked(by_dimension[d]));
  return report;
}

}  // namespace shortstack::analytics
