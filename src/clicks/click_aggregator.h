#pragma once
// The consuming end: fetches click batches, sums them per link, and applies each batch with its id in
// one store transaction. Redelivery (a crash between apply and ack) is harmless: the store skips a
// batch id it has seen.
#include <condition_variable>
#include <mutex>
#include <memory>
#include <thread>

#include "clicks/click_batch.h"
#include "links/link_store.h"
#include "queue/queue.h"

namespace shortstack::clicks {

class ClickAggregator {
 public:
  // Every `interval` it takes everything queued (up to kMaxBatchesPerRound) and applies it in one store
  // transaction: fewer, larger commits are what make counting nearly free under load.
  ClickAggregator(std::shared_ptr<queue::Queue> queue, std::shared_ptr<links::LinkStore> store,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(1000));
  static constexpr size_t kMaxBatchesPerRound = 1024;
  ~ClickAggregator();
  void start();
  // Applies everything pending, then stops. Used on graceful shutdown after the last flush.
  void drain_and_stop();
  // Fetches and applies one round; returns how many batches it applied. Public for tests and the worker.
  size_t run_once(std::chrono::milliseconds wait);

 private:
  std::shared_ptr<queue::Queue> queue_;
  std::shared_ptr<links::LinkStore> store_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

links::ClickBatchTotals sum_batch(const ClickBatch& batch);

}  // namespace shortstack::clicks
