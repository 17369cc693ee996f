#include "clicks/click_aggregator.h"

#include <unordered_map>

#include "clicks/click_batch.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::clicks {

links::ClickBatchTotals sum_batch(const ClickBatch& batch) {
  std::unordered_map<int64_t, links::ClickCounts> per_link;
  for (const ClickEvent& e : batch.events) {
    auto& c = per_link[e.link_id];
    (e.kind == ClickKind::Bot ? c.bots : c.clicks) += 1;
  }
  links::ClickBatchTotals totals{batch.id, static_cast<int64_t>(batch.events.size()), {}};
  totals.per_link.assign(per_link.begin(), per_link.end());
  return totals;
}

ClickAggregator::ClickAggregator(std::shared_ptr<queue::Queue> queue, std::shared_ptr<links::LinkStore> store,
                                 std::chrono::milliseconds interval)
    : queue_(std::move(queue)), store_(std::move(store)), interval_(interval) {}

ClickAggregator::~ClickAggregator() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ClickAggregator::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      run_once(std::chrono::milliseconds(0));
      lock.lock();
      wake_.wait_for(lock, interval_, [this] { return stop_; });
    }
  });
}

size_t ClickAggregator::run_once(std::chrono::milliseconds wait) {
  auto messages = queue_->fetch(kClickSubject, kMaxBatchesPerRound, wait);
  if (!messages) {
    log::warn("click_fetch_failed", {{"error", messages.error().message}});
    return 0;
  }
  if (messages->empty()) return 0;
  std::vector<links::ClickBatchTotals> batches;
  std::vector<const queue::Message*> to_ack;
  for (const queue::Message& m : *messages) {
    auto batch = decode_batch(m.payload);
    if (!batch) {
      // A payload we cannot read will never become readable: ack it so it does not loop, and say so.
      log::error("click_batch_undecodable", {{"bytes", static_cast<int64_t>(m.payload.size())}});
      (void)queue_->ack(m);
      continue;
    }
    batches.push_back(sum_batch(*batch));
    to_ack.push_back(&m);
  }
  auto applied = store_->apply_click_batches(batches);
  if (!applied) {
    log::warn("click_batches_apply_failed", {{"batches", static_cast<int64_t>(batches.size())},
                                             {"error", applied.error().message}});
    for (const auto* m : to_ack) (void)queue_->nack(*m);
    return 0;
  }
  // Acked only after the commit: a crash in between redelivers, and the batch ids make that harmless.
  for (const auto* m : to_ack) (void)queue_->ack(*m);
  metrics::registry().click_batches_applied.inc(*applied);
  metrics::registry().click_batches_duplicate.inc(batches.size() - *applied);
  return *applied;
}

void ClickAggregator::drain_and_stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (int rounds = 0; rounds < 1000; ++rounds) {
    auto pending = queue_->pending(kClickSubject);
    if (!pending || *pending == 0) return;
    run_once(std::chrono::milliseconds(50));
  }
  log::error("click_drain_incomplete", {});
}

}  // namespace shortstack::clicks
