#include "clicks/click_aggregator.h"

#include <optional>
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

}  // namespace

void rollup_into(const ClickBatch& batch, const analytics::UserAgentClassifier& classifier,
                 analytics::RoundRollups& round) {
  round.batches.push_back({batch.id, static_cast<int64_t>(batch.events.size())});
  std::vector<std::optional<analytics::UserAgentClass>> agents(batch.strings.size());
  std::vector<std::optional<std::string>> referrers(batch.strings.size());
  for (const ClickEvent& e : batch.events) {
    if (!plausible_time(e.at)) {
      log::warn("click_event_time_implausible", {{"batch", batch.id}, {"at", e.at}});
      continue;
    }
    analytics::HourRollup& r = round.rollups[{e.link_id, e.at / 3600}];
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
      // Catching up, a fetch may wait a moment for a full round: a short fetch returns only what
      // the server had sent so far, and small rounds each pay a whole commit.
      const size_t applied = run_once(std::chrono::milliseconds(catching_up ? 20 : 0));
      if (auto st = store_->housekeeping(); !st) log::warn("click_store_housekeeping_failed", {{"error", st.error().message}});
      forget_old_batch_ids();
      ship_archive();
      lock.lock();
      // Behind (a worker starting on a backlog, or after an outage): take the next round at once.
      // The interval is for keeping rounds large while the queue keeps up, not for pacing.
      catching_up = applied > 0 && backlogged();
      if (catching_up) continue;
      wake_.wait_for(lock, options_.interval, [this] { return stop_; });
    }
  });
}

// Behind means more than a quarter round waits: at steady load a second brings far fewer batches
// (one per loop per spool sync), so rounds stay large and commits few.
bool ClickAggregator::backlogged() {
  auto pending = queue_->pending(kClickSubject);
  return pending && *pending >= kMaxBatchesPerRound / 4;
}

size_t ClickAggregator::run_once(std::chrono::milliseconds wait) {
  auto messages = queue_->fetch(kClickSubject, kMaxBatchesPerRound, wait);
  if (!messages) {
    log::warn("click_fetch_failed", {{"error", messages.error().message}});
    return 0;
  }
  std::vector<Fetched> round;
  for (const queue::Message& m : *messages) {
    auto batch = decode_batch(m.payload);
    if (!batch) {
      // A payload we cannot read will never become readable: ack it so it does not loop, and say so.
      log::error("click_batch_undecodable", {{"bytes", static_cast<int64_t>(m.payload.size())}});
      settle(m, batch_id_of(m.payload));
      continue;
    }
    round.push_back({std::move(*batch), &m});
  }
  return apply_round(std::move(round));
}

// Applies the round all or nothing. When the store has seen some of its batches (a redelivery),
// those are settled as duplicates and the rest rolled up again; a few tries bound the work when
// other consumers keep applying the same batches concurrently.
size_t ClickAggregator::apply_round(std::vector<Fetched> round) {
  size_t duplicates = drop_repeated_ids(round);
  for (int attempt = 0; attempt < 4 && !round.empty(); ++attempt) {
    analytics::RoundRollups rollups;
    int64_t events = 0;
    for (const Fetched& f : round) events += static_cast<int64_t>(f.batch.events.size());
    // Clicks spread over many links make about one link-hour per event; growing the table as it
    // fills rehashed it a dozen times a round.
    rollups.rollups.reserve(static_cast<size_t>(events / 2));
    for (const Fetched& f : round) rollup_into(f.batch, *options_.classifier, rollups);
    const auto started = std::chrono::steady_clock::now();
    auto outcome = store_->apply(rollups);
    if (!outcome) {
      log::warn("click_batches_apply_failed", {{"batches", static_cast<int64_t>(round.size())},
                                               {"error", outcome.error().message}});
      break;
    }
    if (!outcome->applied) {
      duplicates += settle_seen(round, outcome->seen_before);
      continue;
    }
    // After the commit, so the ranking never counts a round the store refused; a failure here is
    // the leaderboard's to handle (it falls back to the store), not a reason to redeliver.
    if (options_.leaderboard) (void)options_.leaderboard->add(rollups);
    // Settled only after the commit: a crash in between redelivers, and the batch ids make that harmless.
    for (const Fetched& f : round) {
      settle(*f.message, f.batch.id);
      if (options_.archive)
        if (auto st = options_.archive->append(f.batch); !st)
          log::warn("click_archive_append_failed", {{"error", st.error().message}});
    }
    log::debug("click_round_applied",
               {{"batches", static_cast<int64_t>(round.size())}, {"events", events},
                {"link_hours", static_cast<int64_t>(rollups.rollups.size())},
                {"apply_ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()}});
    auto& m = metrics::registry();
    m.click_batches_applied.inc(round.size());
    m.click_batches_duplicate.inc(duplicates);
    m.click_events_applied.inc(static_cast<uint64_t>(events));
    return round.size();
  }
  for (const Fetched& f : round) (void)queue_->nack(*f.message);
  metrics::registry().click_batches_duplicate.inc(duplicates);
  return 0;
}

void ClickAggregator::settle(const queue::Message& m, const std::string& batch_id) {
  (void)queue_->ack(m);
  if (options_.spool) options_.spool->release(batch_id);
}

// A queue may hand out one batch twice in one fetch (redelivered after a timeout while the first copy
// still waits): one copy is enough, and a round must not name an id twice.
size_t ClickAggregator::drop_repeated_ids(std::vector<Fetched>& round) {
  std::unordered_set<std::string> ids;
  size_t dropped = 0;
  std::erase_if(round, [&](const Fetched& f) {
    if (ids.insert(f.batch.id).second) return false;
    (void)queue_->ack(*f.message);  // the spool entry is released with the copy that stays
    ++dropped;
    return true;
  });
  return dropped;
}

size_t ClickAggregator::settle_seen(std::vector<Fetched>& round, const std::vector<std::string>& seen) {
  const std::unordered_set<std::string> seen_ids(seen.begin(), seen.end());
  size_t settled = 0;
  std::erase_if(round, [&](const Fetched& f) {
    if (!seen_ids.count(f.batch.id)) return false;
    settle(*f.message, f.batch.id);
    ++settled;
    return true;
  });
  return settled;
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
