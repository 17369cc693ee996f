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

ClickAggregator::ClickAggregator(std::shared_ptr<queue::Queue> queue, std::shared_ptr<links::LinkStore> store)
    : queue_(std::move(queue)), store_(std::move(store)) {}

ClickAggregator::~ClickAggregator() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void ClickAggregator::start() {
  thread_ = std::thread([this] {
    while (!stop_.load()) run_once(std::chrono::milliseconds(100));
  });
}

size_t ClickAggregator::run_once(std::chrono::milliseconds wait) {
  auto messages = queue_->fetch(kClickSubject, 64, wait);
  if (!messages) {
    log::warn("click_fetch_failed", {{"error", messages.error().message}});
    return 0;
  }
  size_t applied = 0;
  for (const queue::Message& m : *messages) {
    auto batch = decode_batch(m.payload);
    if (!batch) {
      // A payload we cannot read will never become readable: ack it so it does not loop, and say so.
      log::error("click_batch_undecodable", {{"bytes", static_cast<int64_t>(m.payload.size())}});
      (void)queue_->ack(m);
      continue;
    }
    auto result = store_->apply_click_batch(sum_batch(*batch));
    if (!result) {
      log::warn("click_batch_apply_failed", {{"batch", batch->id}, {"error", result.error().message}});
      (void)queue_->nack(m);
      continue;
    }
    if (*result) {
      metrics::registry().click_batches_applied.inc();
      ++applied;
    } else {
      metrics::registry().click_batches_duplicate.inc();
    }
    (void)queue_->ack(m);
  }
  return applied;
}

void ClickAggregator::drain_and_stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  for (int rounds = 0; rounds < 1000; ++rounds) {
    auto pending = queue_->pending(kClickSubject);
    if (!pending || *pending == 0) return;
    run_once(std::chrono::milliseconds(50));
  }
  log::error("click_drain_incomplete", {});
}

}  // namespace shortstack::clicks
