#include "clicks/click_aggregator.h"

#include <optional>

#include "clicks/click_archive.h"
#include "clicks/click_spool.h"
#include "core/ascii.h"
#include "core/thread_name.h"
#include "core/time_format.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::clicks {
namespace {

// "WWW.News.Example" → "news.example"; no referrer is a direct visit.
std::string normalize_referrer(std::string_view host) {
  std::string out = ascii_lower(host);
  if (out.rfind("www.", 0) == 0) out.erase(0, 4);
  return out.empty() ? "(direct)" : out;
}

// Events stamped outside 2020..2139 come from a broken clock; the rollup key cannot hold them.
bool plausible_time(int64_t unix) { return unix >= 1'577'836'800 && unix < 1'577'836'800 + (int64_t{1} << 20) * 3600; }

}  // namespace

analytics::BatchRollups rollup_batch(const ClickBatch& batch, const analytics::UserAgentClassifier& classifier) {
  analytics::BatchRollups out{batch.id, static_cast<int64_t>(batch.events.size()), {}};
  std::vector<std::optional<analytics::UserAgentClass>> agents(batch.strings.size());
  std::vector<std::optional<std::string>> referrers(batch.strings.size());
  for (const ClickEvent& e : batch.events) {
    if (!plausible_time(e.at)) {
      log::warn("click_event_time_implausible", {{"batch", batch.id}, {"at", e.at}});
      continue;
    }
    analytics::HourRollup& r = out.rollups[{e.link_id, e.at / 3600}];
    r.owner_id = e.owner_id;
    auto& agent = agents[e.user_agent];
    if (!agent) agent = classifier.classify(batch.strings[e.user_agent]);
    if (agent->bot) {
      ++r.bots;
      continue;
    }
    auto& referrer = referrers[e.referrer];
    if (!referrer) referrer = normalize_referrer(batch.strings[e.referrer]);
    const std::string_view country = e.country[0] ? std::string_view(e.country.data(), 2) : "(unknown)";
    r.add_human(*referrer, country, agent->device, agent->browser, agent->os, e.visitor);
  }
  return out;
}

ClickAggregator::ClickAggregator(std::shared_ptr<queue::Queue> queue, std::shared_ptr<analytics::ClickStore> store,
                                 Options options)
    : queue_(std::move(queue)), store_(std::move(store)), options_(std::move(options)) {}

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
    name_this_thread("click-aggregate");
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      run_once(std::chrono::milliseconds(0));
      if (auto st = store_->housekeeping(); !st) log::warn("click_store_housekeeping_failed", {{"error", st.error().message}});
      forget_old_batch_ids();
      ship_archive();
      lock.lock();
      wake_.wait_for(lock, options_.interval, [this] { return stop_; });
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
  std::vector<analytics::BatchRollups> batches;
  std::vector<ClickBatch> decoded;  // kept for the archive only
  std::vector<const queue::Message*> to_ack;
  int64_t events = 0;
  for (const queue::Message& m : *messages) {
    auto batch = decode_batch(m.payload);
    if (!batch) {
      // A payload we cannot read will never become readable: ack it so it does not loop, and say so.
      log::error("click_batch_undecodable", {{"bytes", static_cast<int64_t>(m.payload.size())}});
      (void)queue_->ack(m);
      if (options_.spool) options_.spool->release(batch_id_of(m.payload));
      continue;
    }
    batches.push_back(rollup_batch(*batch, *options_.classifier));
    events += batches.back().events;
    if (options_.archive) decoded.push_back(std::move(*batch));
    to_ack.push_back(&m);
  }
  auto applied = store_->apply(batches);
  if (!applied) {
    log::warn("click_batches_apply_failed", {{"batches", static_cast<int64_t>(batches.size())},
                                             {"error", applied.error().message}});
    for (const auto* m : to_ack) (void)queue_->nack(*m);
    return 0;
  }
  // Acked only after the commit: a crash in between redelivers, and the batch ids make that harmless.
  for (const auto* m : to_ack) (void)queue_->ack(*m);
  if (options_.spool)
    for (const auto& b : batches) options_.spool->release(b.batch_id);
  for (const ClickBatch& b : decoded)
    if (auto st = options_.archive->append(b); !st) log::warn("click_archive_append_failed", {{"error", st.error().message}});
  metrics::registry().click_batches_applied.inc(*applied);
  metrics::registry().click_batches_duplicate.inc(batches.size() - *applied);
  metrics::registry().click_events_applied.inc(static_cast<uint64_t>(events));
  return *applied;
}

void ClickAggregator::forget_old_batch_ids() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_forget_) return;
  next_forget_ = now + std::chrono::hours(1);
  const int64_t before = unix_now() - std::chrono::duration_cast<std::chrono::seconds>(options_.batch_id_retention).count();
  auto forgotten = store_->forget_batches_before(before);
  if (!forgotten) log::warn("click_batch_ids_prune_failed", {{"error", forgotten.error().message}});
}

void ClickAggregator::ship_archive() {
  if (!options_.archive) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_ship_) return;
  next_ship_ = now + std::chrono::minutes(1);
  auto shipped = options_.archive->ship_closed_hours(unix_now());
  if (!shipped) log::warn("click_archive_ship_failed", {{"error", shipped.error().message}});
  else if (*shipped > 0) log::info("click_archive_shipped", {{"hours", static_cast<int64_t>(*shipped)}});
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
