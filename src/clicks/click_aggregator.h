#pragma once
// The consuming end: fetches click batches, sums them per link, and applies each batch with its id in
// one store transaction. Redelivery (a crash between apply and ack) is harmless: the store skips a
// batch id it has seen.
#include <atomic>
#include <memory>
#include <thread>

#include "clicks/click_batch.h"
#include "links/link_store.h"
#include "queue/queue.h"

namespace shortstack::clicks {

class ClickAggregator {
 public:
  ClickAggregator(std::shared_ptr<queue::Queue> queue, std::shared_ptr<links::LinkStore> store);
  ~ClickAggregator();
  void start();
  // Applies everything pending, then stops. Used on graceful shutdown after the last flush.
  void drain_and_stop();
  // Fetches and applies one round; returns how many batches it applied. Public for tests and the worker.
  size_t run_once(std::chrono::milliseconds wait);

 private:
  std::shared_ptr<queue::Queue> queue_;
  std::shared_ptr<links::LinkStore> store_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

links::ClickBatchTotals sum_batch(const ClickBatch& batch);

}  // namespace shortstack::clicks
