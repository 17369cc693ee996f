#pragma once
// The embedded ClickStore: a log-structured layout in SQLite. Each round appends its rollups to
// click_deltas (in order, cheap however widely the clicks spread); a compaction every
// `compact_interval`, or once `compact_max_deltas` rows have gathered, folds them into
// click_hours_recent (keyed hour-major, so a fold writes the table's last pages); once an hour is
// `keep_recent` old it moves, whole, into click_hours (keyed link-major, for reading one link's
// history in one range scan) and is added to link_totals, which count archived hours only. Reads
// sum the tables and the deltas in one snapshot.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "analytics/click_store.h"
#include "analytics/delta_index.h"
#include "store/sqlite_db.h"

namespace shortstack::analytics {

class SqliteClickStore final : public ClickStore {
 public:
  struct Options {
    std::chrono::milliseconds compact_interval{std::chrono::seconds(60)};
    size_t compact_max_deltas = 1'000'000;
    // Hours younger than this stay in click_hours_recent (hour-major); older ones move to
    // click_hours (link-major), an hour at a time.
    std::chrono::hours keep_recent{24};
  };
  // `db` must hold the analytics schema (store::analytics_sqlite_migrations()). Indexes the deltas an
  // earlier process left in the background: a million of them take ~0.3 s, and redirects must not
  // wait for that; the store's own calls do.
  static Result<std::shared_ptr<SqliteClickStore>> open(std::shared_ptr<store::SqliteDb> db, Options options);
  static Result<std::shared_ptr<SqliteClickStore>> open(std::shared_ptr<store::SqliteDb> db) {
    return open(std::move(db), Options{});
  }

  ~SqliteClickStore() override;
  Result<RoundApplied> apply(const RoundRollups& round) override;
  Result<std::vector<HourRow>> hours(int64_t link_id, int64_t from_hour, int64_t to_hour) override;
  Result<std::unordered_map<int64_t, LinkTotals>> totals(const std::vector<int64_t>& link_ids) override;
  Result<std::vector<TopLink>> top(int64_t owner_id, int64_t from_hour, size_t limit) override;
  Result<size_t> forget_batches_before(int64_t before_unix) override;
  Status housekeeping() override;

  // Folds every delta into the compacted tables; returns how many delta rows it folded. apply() calls
  // it when due; tests and benchmarks call it directly.
  Result<size_t> compact();
  // Moves the oldest hour of click_hours_recent into click_hours if it is before `before_hour`;
  // returns the rows moved (0: nothing that old). housekeeping() calls it when due.
  Result<size_t> archive_oldest_hour(int64_t before_hour);
  size_t pending_deltas() {
    (void)await_index();
    return index_.rows();
  }

 private:
  SqliteClickStore(std::shared_ptr<store::SqliteDb> db, Options options);
  bool compaction_due() const;
  // True at most once a minute (and at once again after an hour moved): when to look for an
  // hour old enough to archive; archive_oldest_hour() itself finds whether there is one.
  bool archive_check_due();
  Status load_index();
  // Every call that reads or writes deltas waits until the earlier process's deltas are indexed.
  Status await_index();

  std::shared_ptr<store::SqliteDb> db_;
  Options options_;
  DeltaIndex index_;
  std::mutex compact_mu_;
  std::atomic<std::chrono::steady_clock::rep> last_compaction_;
  std::atomic<std::chrono::steady_clock::rep> next_archive_check_{0};
  std::mutex index_mu_;
  std::condition_variable index_cv_;
  std::optional<Status> index_loaded_;
  std::thread index_loader_;
};

}  // namespace shortstack::analytics
