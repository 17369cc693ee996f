#pragma once
// The consuming end: fetches click batches, classifies and rolls each up by link-hour (bots apart,
// humans by referrer, country, device, browser and OS), and applies them with their ids in one store
// transaction. Redelivery (a crash between apply and ack) is harmless: the store skips a batch id it
// has seen.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "analytics/click_store.h"
#include "analytics/leaderboard.h"
#include "analytics/user_agent.h"
#include "clicks/click_batch.h"
#include "clicks/round_policy.h"
#include "queue/queue.h"

namespace shortstack::clicks {

class ClickArchive;
class ClickSpool;

// The round being gathered, for /metrics: written by the aggregating thread, read by any.
struct RoundProgress {
  std::atomic<size_t> link_hours{0};
  std::atomic<std::chrono::steady_clock::rep> opened{0};  // 0: no round open
  // How long the open round has gathered: how much later than their clicks its totals will show.
  double age_seconds() const {
    const auto at = opened.load();
    if (at == 0) return 0.0;
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch() -
                                         std::chrono::steady_clock::duration(at)).count();
  }
};

class ClickAggregator {
 public:
  struct Options {
    // Every `interval` it takes everything queued (up to kMaxBatchesPerRound per fetch) into the
    // round it is gathering, and writes the round when `round` says it is due: at once when the round
    // is small or its link-hours already carry several clicks each, later (within the policy's
    // bounds) when the clicks spread over many links. Fewer, larger commits are what make counting
    // nearly free under load.
    std::chrono::milliseconds interval{1000};
    RoundPolicy round;
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
  // Writes the round it holds and everything pending, then stops. Used on graceful shutdown after
  // the last flush.
  void drain_and_stop();
  // Fetches once and writes the round at once, due or not; returns how many batches it applied.
  // Public for tests and benchmarks; start() gathers instead.
  size_t run_once(std::chrono::milliseconds wait);
  // Shared, so a gauge may outlive the aggregator.
  std::shared_ptr<const RoundProgress> progress() const { return progress_; }

 private:
  using Clock = std::chrono::steady_clock;
  // The round being gathered. Its batches stay unacked (in the queue, and in the spool) until the
  // round commits, so a crash meanwhile loses none of them.
  struct OpenRound {
    std::vector<queue::Message> messages;              // one per batch, as in rollups.batches
    std::unordered_map<std::string, size_t> position;  // batch id -> index in messages
    analytics::RoundRollups rollups;
    int64_t events = 0;
    Clock::time_point opened{};
    bool empty() const { return messages.empty(); }
  };
  // Fetches once and rolls what came into the open round; returns how many batches it added.
  size_t gather(std::chrono::milliseconds wait);
  void add_to_round(queue::Message m, const ClickBatch& batch);
  bool hold_newer_copy(queue::Message& m, const std::string& batch_id);
  void drop_payload_unless_archived(queue::Message& m) const;
  RoundShape shape() const;
  // Writes the open round and empties it; returns the batches applied (0 when some had been applied
  // before, and the rest went back to the queue), nullopt when the store failed (all went back).
  std::optional<size_t> write_round();
  void settle(const queue::Message& m, const std::string& batch_id);
  void settle_seen_and_return_the_rest(OpenRound& round, const std::vector<std::string>& seen);
  void archive_round(const OpenRound& round);
  void forget_old_batch_ids();
  bool backlogged();
  void ship_archive();

  std::shared_ptr<queue::Queue> queue_;
  std::shared_ptr<analytics::ClickStore> store_;
  Options options_;
  OpenRound open_;  // only the aggregating thread (or the caller of run_once) touches it
  std::shared_ptr<RoundProgress> progress_ = std::make_shared<RoundProgress>();
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
  Clock::time_point next_forget_{};
  Clock::time_point next_ship_{};
};

// Adds one batch to a round's rollups: each distinct User-Agent in it is classified once.
void rollup_into(const ClickBatch& batch, const analytics::UserAgentClassifier& classifier,
                 analytics::RoundRollups& round);

}  // namespace shortstack::clicks
