#pragma once
#include <memory>

#include "analytics/click_store.h"
#include "store/sqlite_db.h"

namespace shortstack::analytics {

class SqliteClickStore final : public ClickStore {
 public:
  // `db` must hold the analytics schema (store::analytics_sqlite_migrations()).
  explicit SqliteClickStore(std::shared_ptr<store::SqliteDb> db) : db_(std::move(db)) {}
  Result<size_t> apply(const std::vector<BatchRollups>& batches) override;
  Result<std::vector<HourRow>> hours(int64_t link_id, int64_t from_hour, int64_t to_hour) override;
  Result<std::unordered_map<int64_t, LinkTotals>> totals(const std::vector<int64_t>& link_ids) override;
  Result<std::vector<TopLink>> top(int64_t owner_id, int64_t from_hour, size_t limit) override;
  Result<size_t> forget_batches_before(int64_t before_unix) override;

 private:
  std::shared_ptr<store::SqliteDb> db_;
};

}  // namespace shortstack::analytics
