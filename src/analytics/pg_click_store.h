#pragma once
// The ClickStore on PostgreSQL (stage 2 and up; its own database from stage 8): rollups are kept
// as one row per link-hour. A round reads the rows it touches, merges in C++ (breakdowns and visitor
// sketches are ours to merge) and writes them back, in one transaction with its batch ids. Rounds
// from every instance and worker apply one at a time (a transaction-scoped advisory lock), which is
// what makes read-merge-write safe without per-row locking; the writer cost is then the same
// single-writer shape as SQLite's, with the database on its own server.
#include <memory>

#include "analytics/click_store.h"
#include "store/pg/pg_pool.h"

namespace shortstack::analytics {

class PgClickStore final : public ClickStore {
 public:
  explicit PgClickStore(std::shared_ptr<store::pg::PgPool> pool) : pool_(std::move(pool)) {}
  Result<RoundApplied> apply(const RoundRollups& round) override;
  Result<std::vector<HourRow>> hours(int64_t link_id, int64_t from_hour, int64_t to_hour) override;
  Result<std::unordered_map<int64_t, LinkTotals>> totals(const std::vector<int64_t>& link_ids) override;
  Result<std::vector<TopLink>> top(int64_t owner_id, int64_t from_hour, size_t limit) override;
  Result<size_t> forget_batches_before(int64_t before_unix) override;

 private:
  std::shared_ptr<store::pg::PgPool> pool_;
};

}  // namespace shortstack::analytics
