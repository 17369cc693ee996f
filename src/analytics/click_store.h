#pragma once
// The ClickStore seam: where click rollups live. Its own database from stage 1 on (analytics.db), so
// click rounds never queue behind link creation, and so analytics can move to their own server
// (stage 8) by configuration. Backends: SQLite (stage 1); PostgreSQL later. The contract suite in
// click_store_contract.h is the definition of what a backend must do.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "analytics/hour_rollup.h"
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

class ClickStore {
 public:
  virtual ~ClickStore() = default;
  // In one transaction: records the id of every batch not applied before, and adds those batches'
  // rollups to the hourly rows and the all-time totals. Batches seen before change nothing, which is
  // what makes redelivery harmless. Returns how many batches were newly applied.
  virtual Result<size_t> apply(const std::vector<BatchRollups>& batches) = 0;
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
