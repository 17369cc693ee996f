#pragma once
// The click path as the configuration chooses it: recorder (per loop) → spool (fsynced) → queue →
// aggregator → ClickStore. Built here so serve() reads as the life cycle it is.
#include <memory>

#include "analytics/click_store.h"
#include "clicks/click_aggregator.h"
#include "clicks/click_recorder.h"
#include "clicks/click_spool.h"
#include "config/config.h"
#include "queue/queue.h"
#include "store/pg/pg_pool.h"
#include "store/redis/redis_pool.h"
#include "store/sqlite_db.h"

namespace shortstack::app {

class ClickPipeline {
 public:
  // Serve records clicks (spool → queue) and, with the in-process queue, also aggregates them.
  // With a durable queue the spool lets go of a batch once the queue has it, and only workers
  // aggregate. Worker aggregates only.
  enum class Role { Serve, Worker };
  // The analytics store is `analytics_pg` when storage.analytics = postgres, else `analytics_db`.
  static Result<std::unique_ptr<ClickPipeline>> build(const config::Config& c, std::shared_ptr<store::SqliteDb> analytics_db,
                                                      std::shared_ptr<store::pg::PgPool> analytics_pg,
                                                      std::shared_ptr<queue::Queue> queue,
                                                      std::shared_ptr<store::redis::RedisPool> redis, size_t loops,
                                                      Role role = Role::Serve);
  // Starts the spool thread, which first replays what an earlier process left in the spool, and the
  // aggregator thread.
  Status start();
  // After every loop has flushed its buffer for the last time: everything reaches the store.
  void drain();
  // Stops aggregating after the round in progress, leaving the rest in the queue for other workers.
  void stop();

  const std::shared_ptr<clicks::ClickRecorder>& recorder() const { return recorder_; }
  const std::shared_ptr<analytics::ClickStore>& store() const { return store_; }
  const std::shared_ptr<analytics::Leaderboard>& leaderboard() const { return leaderboard_; }
  // The round the aggregator is gathering; null when this process does not aggregate.
  std::shared_ptr<const clicks::RoundProgress> round_progress() const {
    return aggregator_ ? aggregator_->progress() : nullptr;
  }

 private:
  std::shared_ptr<analytics::ClickStore> store_;
  std::shared_ptr<analytics::Leaderboard> leaderboard_;
  std::shared_ptr<clicks::ClickRecorder> recorder_;
  std::shared_ptr<clicks::ClickSpool> spool_;
  std::unique_ptr<clicks::ClickAggregator> aggregator_;
};

// The secret keying visitor hashes: the configured one, else the one kept in <data_dir>/visitor.secret
// (created with mode 0600 on first start).
Result<std::string> visitor_secret(const config::Config& c);

}  // namespace shortstack::app
