#pragma once
// When the aggregator writes the round it has gathered. Every link-hour a round writes costs the
// analytics store about the same (a delta appended, then folded: ~6 us of the SQLite writer, ~7 us of
// PostgreSQL), however many clicks it carries. When clicks concentrate on a few links a round of one
// interval already carries many clicks per link-hour, and it is written at once. When they spread over
// many links (random codes over 1M links: ~0.95 link-hours per click in a 1 s round) waiting is what
// makes link-hours carry more clicks, so a large, sparse round keeps gathering, bounded in age (so
// its batches are acked well inside the queue's ack timeout, and totals still show) and in size (its
// memory: ~400 bytes per link-hour).
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace shortstack::clicks {

struct RoundShape {
  size_t link_hours = 0;
  int64_t events = 0;
  std::chrono::milliseconds age{0};  // since the round's first batch was fetched
};

struct RoundPolicy {
  // Below this many link-hours a round is cheap to write (~30 ms of the writer): waiting would only
  // delay the totals.
  static constexpr size_t kSmallRound = 5'000;
  // A round whose link-hours average at least this many clicks is already paying its writes well:
  // the store's ~6 us per link-hour is then at most ~1.5 us per click. At 2, random codes over 1M
  // links turned dense after ~20 s and cost the SQLite writer 3.2 us per click; at 4 the 30 s age
  // limit ends those rounds first, at ~2.7 clicks per link-hour, and the writer cost 1.85 us (120 s
  // runs, bench/RESULTS.md, session 9). The price is memory (~15% more link-hours held) and totals
  // that lag by the age limit rather than ~20 s under that load; hot links still turn dense at once.
  static constexpr int64_t kDenseClicksPerLinkHour = 4;

  std::chrono::milliseconds spread_max_age{30'000};
  size_t max_link_hours = 1'000'000;

  // Checked after every fetch that leaves the round holding batches, so a round that is due is
  // written within one aggregation interval.
  bool due(const RoundShape& round) const {
    if (round.link_hours <= kSmallRound) return true;
    if (round.events >= static_cast<int64_t>(round.link_hours) * kDenseClicksPerLinkHour) return true;
    return round.age >= spread_max_age || round.link_hours >= max_link_hours;
  }
};

}  // namespace shortstack::clicks
