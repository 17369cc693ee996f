#pragma once
// The consuming end: fetches click batches, classifies and rolls each up by link-hour (bots apart,
// humans by referrer, country, device, browser and OS), and applies them with their ids in one store
// transaction. Redelivery (a crash between apply and ack) is harmless: the store skips a batch id it
// has seen.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "analytics/click_store.h"
#include "analytics/leaderboard.h"
#include "analytics/user_agent.h"
#include "clicks/click_batch.h"
#include "queue/queue.h"

namespace shortstack::clicks {

class ClickArchive;
class ClickSpool;

class ClickAggregator {
 public:
  struct Options {
    // Every `interval` it takes everything queued (up to kMaxBatchesPerRound) and applies it in one
    // transaction: fewer, larger commits are what make counting nearly free under load.
    std::chrono::milliseconds interval{1000};
    std::shared_ptr<const analytics::UserAgentClassifier> classifier = analytics::UserAgentClassifier::builtin();
    // Told when a batch is committed, so it can stop keeping it for replay. Optional.
    std::shared_ptr<ClickSpool> spool;
    // The optional raw-click archive; null when clicks.archive is off.
    std::shared_ptr<ClickArchive> archive;
    // Fed each applied round after the store commit; null when the ranking comes from the store.
    std::shared_ptr<analytics::Leaderboard> leaderboard;
    // Batch ids are kept this long for redelivery detection, then forgotten.
    std::chrono::hours batch_id_retention{24 * 7};
  };
  static constexpr size_t kMaxBatchesPerRound = 1024;

  ClickAggregator(std::shared_ptr<queue::Queue> queue, std::shared_ptr<analytics::ClickStore> store, Options options);
  ClickAggregator(std::shared_ptr<queue::Queue> queue, std::shared_ptr<analytics::ClickStore> store)
      : ClickAggregator(std::move(queue), std::move(store), Options{}) {}
  ~ClickAggregator();
  void start();
  // Applies everything pending, then stops. Used on graceful shutdown after the last flush.
  void drain_and_stop();
  // Fetches and applies one round; returns how many batches it applied. Public for tests and the worker.
  size_t run_once(std::chrono::milliseconds wait);

 private:
  struct Fetched {
    ClickBatch batch;
    const queue::Message* message;
  };
  size_t apply_round(std::vector<Fetched> round);
  void settle(const queue::Message& m, const std::string& batch_id);
  size_t drop_repeated_ids(std::vector<Fetched>& round);
  size_t settle_seen(std::vector<Fetched>& round, const std::vector<std::string>& seen);
  void forget_old_batch_ids();
  bool backlogged();
  void ship_archive();

  std::shared_ptr<queue::Queue> queue_;
  std::shared_ptr<analytics::ClickStore> store_;
  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
  std::chrono::steady_clock::time_point next_forget_{};
  std::chrono::steady_clock::time_point next_ship_{};
};

// Adds one batch to a round's rollups: each distinct User-Agent in it is classified once.
void rollup_into(const ClickBatch& batch, const analytics::UserAgentClassifier& classifier,
                 analytics::RoundRollups& round);

}  // namespace shortstack::clicks
