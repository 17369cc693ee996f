#pragma once
// The Leaderboard seam: each owner's links ranked by recent human clicks (GET /api/v1/stats/top).
// Backends:
//   - store (stage 1 on): ranks straight from the ClickStore's hourly rows, which already hold every
//     applied round, so add() has nothing to do;
//   - redis (stage 3 on): a sorted set per owner and hour, fed by the aggregator after each round, so
//     the busiest query of a campaign dashboard leaves the analytics database alone.
// The contract suite in leaderboard_contract.h is the definition of what a backend must do.
#include <cstdint>
#include <memory>
#include <vector>

#include "analytics/click_store.h"
#include "analytics/rollup_table.h"
#include "core/result.h"

namespace shortstack::analytics {

class Leaderboard {
 public:
  virtual ~Leaderboard() = default;
  // Called once per round, after the ClickStore applied it (so at most once per batch).
  virtual Status add(const RoundRollups& applied) = 0;
  // The owner's links by human clicks in hours >= from_hour, most first (ties: lower id first).
  virtual Result<std::vector<TopLink>> top(int64_t owner_id, int64_t from_hour, size_t limit) = 0;
};

class StoreLeaderboard final : public Leaderboard {
 public:
  explicit StoreLeaderboard(std::shared_ptr<ClickStore> store) : store_(std::move(store)) {}
  Status add(const RoundRollups&) override { return ok_status(); }
  Result<std::vector<TopLink>> top(int64_t owner_id, int64_t from_hour, size_t limit) override {
    return store_->top(owner_id, from_hour, limit);
  }

 private:
  std::shared_ptr<ClickStore> store_;
};

}  // namespace shortstack::analytics
