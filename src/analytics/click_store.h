#pragma once
// The ClickStore seam: where click rollups live. Its own database from stage 1 on (analytics.db), so
// click rounds never queue behind link creation, and so analytics can move to their own server
// (stage 8) by configuration. Backends: SQLite (stage 1); PostgreSQL later. The contract suite in
// click_store_contract.h is the definition of what a backend must do.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "analytics/rollup_table.h"
#include "core/result.h"

namespace shortstack::analytics {

struct HourRow {
  int64_t link_id = 0;
  int64_t hour = 0;
  HourRollup rollup;
};

struct LinkTotals {
  int64_t clicks = 0;
  int64_t bots = 0;
};

struct TopLink {
  int64_t link_id = 0;
  int64_t clicks = 0;
};

struct RoundApplied {
  bool applied = false;
  std::vector<std::string> seen_before;  // when not applied: the round's ids applied earlier
};

class ClickStore {
 public:
  virtual ~ClickStore() = default;
  // In one transaction: if none of the round's batch ids was applied before, records them all and
  // adds the rollups to the hourly rows and the all-time totals. Otherwise it changes nothing and
  // names the ids it has seen, so the caller can roll the round up again without them: that is what
  // makes redelivery harmless. A round naming one id twice is refused.
  virtual Result<RoundApplied> apply(const RoundRollups& round) = 0;
  // The link's hourly rows with from_hour <= hour < to_hour, oldest first.
  virtual Result<std::vector<HourRow>> hours(int64_t link_id, int64_t from_hour, int64_t to_hour) = 0;
  // All-time totals; links never clicked are absent.
  virtual Result<std::unordered_map<int64_t, LinkTotals>> totals(const std::vector<int64_t>& link_ids) = 0;
  // The owner's links by human clicks in hours >= from_hour, most first (ties: lower id first).
  virtual Result<std::vector<TopLink>> top(int64_t owner_id, int64_t from_hour, size_t limit) = 0;
  // Forgets batch ids applied before `before_unix`; redelivery older than that is no longer detected.
  virtual Result<size_t> forget_batches_before(int64_t before_unix) = 0;
  // Background upkeep the backend needs (the SQLite one folds its deltas when due); the aggregator
  // calls it after every round, also when no clicks came.
  virtual Status housekeeping() { return ok_status(); }
};

}  // namespace shortstack::analytics
