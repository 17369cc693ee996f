#include "clicks/click_aggregator.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <unordered_set>

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

analytics::LinkHour link_hour_of(const ClickEvent& e) { return {e.link_id, e.at / 3600}; }

}  // namespace

void rollup_into(const ClickBatch& batch, const analytics::UserAgentClassifier& classifier,
                 analytics::RoundRollups& round) {
  round.batches.push_back({batch.id, static_cast<int64_t>(batch.events.size())});
  std::vector<std::optional<analytics::UserAgentClass>> agents(batch.strings.size());
  std::vector<std::optional<std::string>> referrers(batch.strings.size());
  // A round of spread clicks is far larger than the caches, so each event's slot and rollup are
  // requested this many events ahead (BM_GatherSpreadRound measures the distance).
  constexpr size_t kSlotsAhead = 16, kRollupsAhead = 8;
  const auto& events = batch.events;
  for (size_t i = 0; i < events.size(); ++i) {
    if (i + kSlotsAhead < events.size())
      round.rollups.prefetch_slot(link_hour_of(events[i + kSlotsAhead]));
    if (i + kRollupsAhead < events.size())
      round.rollups.prefetch_rollup(link_hour_of(events[i + kRollupsAhead]));
    const ClickEvent& e = events[i];
    if (!plausible_time(e.at)) {
      log::warn("click_event_time_implausible", {{"batch", batch.id}, {"at", e.at}});
      continue;
    }
    analytics::HourRollup& r = round.rollups[link_hour_of(e)];
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
    bool catching_up = false;
    while (!stop_) {
      lock.unlock();
      // Catching up, a fetch may wait a moment for a full batch: a short fetch returns only what the
      // server had sent so far.
      const size_t fetched = gather(std::chrono::milliseconds(catching_up ? 20 : 0));
      bool store_ok = true;
      if (!open_.empty() && options_.round.due(shape())) store_ok = write_round().has_value();
      // Upkeep waits while a round gathers: a compaction takes seconds, and the round's batches are
      // held unacked against the queue's ack timeout meanwhile.
      if (open_.empty()) {
        if (auto st = store_->housekeeping(); !st) log::warn("click_store_housekeeping_failed", {{"error", st.error().message}});
        forget_old_batch_ids();
        ship_archive();
      }
      lock.lock();
      // Behind (a worker starting on a backlog, or after an outage): fetch again at once. The
      // interval is for keeping rounds large while the queue keeps up, not for pacing.
      catching_up = fetched > 0 && store_ok && backlogged();
      if (catching_up) continue;
      wake_.wait_for(lock, options_.interval, [this] { return stop_; });
    }
  });
}

// Behind means more than a quarter of a fetch waits beyond the batches the open round holds: at
// steady load an interval brings far fewer (one per loop per spool sync).
bool ClickAggregator::backlogged() {
  auto pending = queue_->pending(kClickSubject);
  return pending && *pending >= open_.messages.size() + kMaxBatchesPerRound / 4;
}

size_t ClickAggregator::run_once(std::chrono::milliseconds wait) {
  gather(wait);
  if (open_.empty()) return 0;
  return write_round().value_or(0);
}

size_t ClickAggregator::gather(std::chrono::milliseconds wait) {
  auto messages = queue_->fetch(kClickSubject, kMaxBatchesPerRound, wait);
  if (!messages) {
    log::warn("click_fetch_failed", {{"error", messages.error().message}});
    return 0;
  }
  size_t added = 0;
  for (queue::Message& m : *messages) {
    auto batch = decode_batch(m.payload);
    if (!batch) {
      // A payload we cannot read will never become readable: ack it so it does not loop, and say so.
      log::error("click_batch_undecodable", {{"bytes", static_cast<int64_t>(m.payload.size())}});
      settle(m, batch_id_of(m.payload));
      continue;
    }
    if (hold_newer_copy(m, batch->id)) continue;
    add_to_round(std::move(m), *batch);
    ++added;
  }
  progress_->link_hours.store(open_.rollups.rollups.size());
  return added;
}

void ClickAggregator::add_to_round(queue::Message m, const ClickBatch& batch) {
  if (open_.empty()) {
    open_.opened = Clock::now();
    progress_->opened.store(open_.opened.time_since_epoch().count());
  }
  // Sized ahead of the batch: spread clicks make about one link-hour per event.
  open_.rollups.rollups.reserve(open_.rollups.rollups.size() + batch.events.size());
  rollup_into(batch, *options_.classifier, open_.rollups);
  open_.events += static_cast<int64_t>(batch.events.size());
  drop_payload_unless_archived(m);
  open_.position.emplace(batch.id, open_.messages.size());
  open_.messages.push_back(std::move(m));
}

// The queue keeps its own copy until the ack; the round's is only read again to archive it.
void ClickAggregator::drop_payload_unless_archived(queue::Message& m) const {
  if (!options_.archive) std::string().swap(m.payload);
}

// A batch the round already holds came again: redelivered after the ack timeout, or published twice.
// The round keeps the newer delivery, which is the one still in flight, and acks the older (a no-op
// when it was the redelivered one's earlier self). The batch is not rolled up twice.
bool ClickAggregator::hold_newer_copy(queue::Message& m, const std::string& batch_id) {
  auto it = open_.position.find(batch_id);
  if (it == open_.position.end()) return false;
  queue::Message& held = open_.messages[it->second];
  (void)queue_->ack(held);
  drop_payload_unless_archived(m);
  held = std::move(m);
  metrics::registry().click_batches_duplicate.inc();
  return true;
}

RoundShape ClickAggregator::shape() const {
  return {open_.rollups.rollups.size(), open_.events,
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - open_.opened)};
}

std::optional<size_t> ClickAggregator::write_round() {
  OpenRound round = std::exchange(open_, OpenRound{});
  progress_->link_hours.store(0);
  progress_->opened.store(0);
  const auto started = Clock::now();
  auto outcome = store_->apply(round.rollups);
  if (!outcome) {
    log::warn("click_batches_apply_failed", {{"batches", static_cast<int64_t>(round.messages.size())},
                                             {"error", outcome.error().message}});
    for (const queue::Message& m : round.messages) (void)queue_->nack(m);
    return std::nullopt;
  }
  if (!outcome->applied) {
    settle_seen_and_return_the_rest(round, outcome->seen_before);
    return 0;
  }
  // After the commit, so the ranking never counts a round the store refused; a failure here is
  // the leaderboard's to handle (it falls back to the store), not a reason to redeliver.
  if (options_.leaderboard) (void)options_.leaderboard->add(round.rollups);
  // Settled only after the commit: a crash in between redelivers, and the batch ids make that harmless.
  for (size_t i = 0; i < round.messages.size(); ++i) settle(round.messages[i], round.rollups.batches[i].id);
  archive_round(round);
  log::debug("click_round_applied",
             {{"batches", static_cast<int64_t>(round.messages.size())}, {"events", round.events},
              {"link_hours", static_cast<int64_t>(round.rollups.rollups.size())},
              {"gathered_ms", std::chrono::duration_cast<std::chrono::milliseconds>(started - round.opened).count()},
              {"apply_ms", std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()}});
  auto& m = metrics::registry();
  m.click_batches_applied.inc(round.messages.size());
  m.click_events_applied.inc(static_cast<uint64_t>(round.events));
  return round.messages.size();
}

void ClickAggregator::settle(const queue::Message& m, const std::string& batch_id) {
  (void)queue_->ack(m);
  if (options_.spool) options_.spool->release(batch_id);
}

// Some of the round's batches were applied before (a redelivery after a crash between commit and
// ack, or another worker's): those are settled as duplicates, and the rest go back to the queue to be
// gathered again without them. Rare, so re-rolling them up is cheaper than keeping every payload.
void ClickAggregator::settle_seen_and_return_the_rest(OpenRound& round, const std::vector<std::string>& seen) {
  const std::unordered_set<std::string> seen_ids(seen.begin(), seen.end());
  for (size_t i = 0; i < round.messages.size(); ++i) {
    const std::string& id = round.rollups.batches[i].id;
    if (seen_ids.count(id)) settle(round.messages[i], id);
    else (void)queue_->nack(round.messages[i]);
  }
  metrics::registry().click_batches_duplicate.inc(seen_ids.size());
}

void ClickAggregator::archive_round(const OpenRound& round) {
  if (!options_.archive) return;
  for (const queue::Message& m : round.messages) {
    auto batch = decode_batch(m.payload);  // it decoded when gathered
    if (!batch) continue;
    if (auto st = options_.archive->append(*batch); !st)
      log::warn("click_archive_append_failed", {{"error", st.error().message}});
  }
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
  if (!open_.empty()) (void)write_round();
  for (int rounds = 0; rounds < 1000; ++rounds) {
    auto pending = queue_->pending(kClickSubject);
    if (!pending || *pending == 0) return;
    run_once(std::chrono::milliseconds(50));
  }
  log::error("click_drain_incomplete", {});
}

}  // namespace shortstack::clicks
