#include "analytics/stats_report.h"

#include <gtest/gtest.h>

#include <numeric>

namespace shortstack::analytics {
namespace {

constexpr int64_t kDay = 20'400;  // a UTC day number; hours are kDay * 24 + h

HourRow row(int64_t hour, int64_t humans, int64_t bots = 0, std::string_view referrer = "(direct)",
            uint64_t first_visitor = 1) {
  HourRow r{1, hour, {}};
  for (int64_t i = 0; i < humans; ++i)
    r.rollup.add_human(referrer, "FR", "desktop", "Firefox", "Linux",
                       (first_visitor + static_cast<uint64_t>(i)) * 0x9E3779B97F4A7C15ULL);
  r.rollup.bots = bots;
  return r;
}

int64_t series_sum(const StatsReport& r) {
  return std::accumulate(r.series.begin(), r.series.end(), int64_t{0},
                         [](int64_t s, const auto& p) { return s + p.second; });
}

TEST(StatsReport, HourlySeriesIsDenseAndSumsToClicks) {
  const int64_t h0 = kDay * 24;
  const StatsReport r = build_report({row(h0 + 1, 3, 2), row(h0 + 4, 5)}, {h0, h0 + 6, false});
  EXPECT_EQ(r.clicks, 8);
  EXPECT_EQ(r.bots, 2);
  ASSERT_EQ(r.series.size(), 6u);
  EXPECT_EQ(r.series[0].first, h0 * 3600);
  EXPECT_EQ(r.series[1].second, 3);
  EXPECT_EQ(r.series[4].second, 5);
  EXPECT_EQ(series_sum(r), r.clicks);
}

TEST(StatsReport, DailySeriesStartsAtTheDayAndSumsToClicks) {
  const int64_t h0 = kDay * 24;
  const StatsReport r = build_report({row(h0 + 5, 1), row(h0 + 23, 2), row(h0 + 24, 4)}, {h0 + 3, h0 + 48, true});
  ASSERT_EQ(r.series.size(), 2u);
  EXPECT_EQ(r.series[0].first, kDay * 86400);
  EXPECT_EQ(r.series[0].second, 3);
  EXPECT_EQ(r.series[1].second, 4);
  EXPECT_EQ(series_sum(r), r.clicks);
}

TEST(StatsReport, UniqueVisitorsMergeWithinADayAndAddAcrossDays) {
  const int64_t h0 = kDay * 24;
  // Visitors 1..4 in two hours of one day (2 and 3 seen twice), then the same hashes the next day,
  // which stand for different people: the salt changed.
  const StatsReport r = build_report({row(h0, 3, 0, "(direct)", 1), row(h0 + 1, 3, 0, "(direct)", 2),
                                      row(h0 + 24, 4, 0, "(direct)", 1)},
                                     {h0, h0 + 48, true});
  EXPECT_EQ(r.unique_visitors, 4 + 4);
}

TEST(StatsReport, BreakdownsAreRankedAndSumToClicks) {
  const int64_t h0 = kDay * 24;
  std::vector<HourRow> rows;
  for (int i = 0; i < 30; ++i) rows.push_back(row(h0 + i % 24, i + 1, 0, "site" + std::to_string(i) + ".example"));
  const StatsReport r = build_report(rows, {h0, h0 + 24, false});
  for (const auto& [dim, keys] : r.breakdowns) {
    int64_t sum = 0;
    for (const KeyCount& k : keys) sum += k.clicks;
    EXPECT_EQ(sum, r.clicks) << dimension_name(dim);
  }
  const auto& referrers = r.breakdowns.front().second;
  EXPECT_EQ(r.breakdowns.front().first, Dimension::Referrer);
  ASSERT_EQ(referrers.size(), kTopKeysPerDimension + 1);
  EXPECT_EQ(referrers.front().key, "site29.example");
  EXPECT_EQ(referrers.back().key, HourRollup::kOtherKey);
}

TEST(StatsReport, RowsOutsideTheRangeAreIgnored) {
  const int64_t h0 = kDay * 24;
  const StatsReport r = build_report({row(h0 - 1, 9), row(h0, 1), row(h0 + 2, 9)}, {h0, h0 + 2, false});
  EXPECT_EQ(r.clicks, 1);
  EXPECT_EQ(series_sum(r), 1);
}

}  // namespace
}  // namespace shortstack::analytics
