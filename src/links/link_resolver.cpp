#include "links/link_resolver.h"

#include <cstdio>
#include <random>

#include "links/redirect_entry_codec.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::links {

namespace {
std::atomic<uint64_t> g_next_resolver_id{1};
// Tombstones start with a byte encode_entry() never writes first (its version byte is 1).
constexpr char kTombstoneTag = 'T';
bool is_tombstone(std::string_view v) { return !v.empty() && v[0] == kTombstoneTag; }

std::string random_tombstone_prefix() {
  std::random_device rd;
  const uint64_t r = (static_cast<uint64_t>(rd()) << 32) | rd();
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%c%016llx-", kTombstoneTag, static_cast<unsigned long long>(r));
  return std::string(buf, static_cast<size_t>(n));
}
// Codes kept for a tombstone retry while Redis is away. Beyond this many, the rest are left to
// l2_ttl (and logged): changes are rare next to reads, and an outage that long has bigger problems.
constexpr size_t kMaxPendingTombstones = 100'000;
}  // namespace

LinkResolver::LinkResolver(std::shared_ptr<LinkStore> store, ResolverOptions options)
    : instance_id_(g_next_resolver_id++),
      store_(std::move(store)),
      options_(options),
      l1_(std::max<size_t>(1, options.l1_entries)),
      l1_enabled_(options.l1_entries > 0),
      tombstone_prefix_(random_tombstone_prefix()) {}

LinkResolver::ThreadRecent& LinkResolver::thread_recent() {
  thread_local ThreadRecent recent;
  const uint64_t epoch = change_epoch_.load(std::memory_order_acquire);
  if (recent.owner != instance_id_ || recent.epoch != epoch) {
    // Another resolver (tests make several) or a change since the copies were taken: start over.
    for (auto& slot : recent.slots) slot.code.clear();
    recent.owner = instance_id_;
    recent.epoch = epoch;
  }
  return recent;
}

std::optional<LinkResolver::Answer> LinkResolver::render_cached(std::string_view code, Clock::time_point now,
                                                                int64_t unix_now, std::string_view date_line,
                                                                bool keep_alive, bool head, bool wants_html,
                                                                std::string& out) {
  auto& m = metrics::registry();
  Recent& slot = thread_recent().slots[std::hash<std::string_view>{}(code) % kRecentSlots];
  auto answer = [&](const RedirectEntry& e) {
    const int status = render_entry(e, unix_now, date_line, keep_alive, head, wants_html, out);
    if (e.kind == RedirectEntry::Kind::Missing) m.cache_negative_hits.inc();
    const bool live = live_at(e, unix_now);
    return Answer{status, live ? e.link_id : 0, live ? e.owner_id : 0};
  };
  if (slot.code == code && slot.expires > now) {
    m.cache_hits.inc();
    return answer(slot.entry);
  }
  std::optional<Answer> result;
  l1_.visit(code, now, [&](const RedirectEntry& e) {
    result = answer(e);
    slot.code.assign(code);
    slot.entry = e;
    // L1 expiry is not visible from here; a short local lifetime keeps TTLs honest within ~1 s.
    slot.expires = now + std::chrono::seconds(1);
  });
  (result ? m.cache_hits : m.cache_misses).inc();
  return result;
}

Result<RedirectEntry> LinkResolver::load(std::string_view code) {
  // Read the generation before anything else: if the link changes while we read, the L1 insert is
  // skipped.
  const uint64_t generation = l1_.generation(code);
  L2Read l2;
  if (options_.l2) {
    retry_l2_tombstones();
    l2 = l2_lookup(code);
    if (l2.entry) {
      fill_l1(code, *l2.entry, generation);
      return *l2.entry;
    }
  }
  auto found = store_->find_by_code(code);
  if (!found) return found.error();
  RedirectEntry entry = found->has_value() ? make_redirect_entry(**found) : missing_entry();
  if (options_.l2 && !l2.failed) l2_fill(code, entry, l2);
  fill_l1(code, entry, generation);
  return entry;
}

void LinkResolver::fill_l1(std::string_view code, const RedirectEntry& entry, uint64_t generation) {
  if (!l1_enabled_) return;
  const auto ttl = entry.kind == RedirectEntry::Kind::Missing ? options_.negative_ttl : options_.positive_ttl;
  l1_.insert_if_unchanged(code, entry, Clock::now() + ttl, generation);
}

LinkResolver::L2Read LinkResolver::l2_lookup(std::string_view code) {
  auto& m = metrics::registry();
  L2Read out;
  auto got = options_.l2->get(code);
  if (!got) {
    m.cache_l2_errors.inc();
    out.failed = true;
    return out;
  }
  if (got->has_value()) {
    const cache::CacheValue& v = **got;
    if (v.negative) out.entry = missing_entry();
    else if (!is_tombstone(v.value)) out.entry = decode_entry(v.value);
    if (!out.entry && !v.negative) out.replaceable = v.value;
  }
  (out.entry ? m.cache_l2_hits : m.cache_l2_misses).inc();
  return out;
}

void LinkResolver::l2_fill(std::string_view code, const RedirectEntry& entry, const L2Read& before) {
  const bool missing = entry.kind == RedirectEntry::Kind::Missing;
  const cache::CacheValue value{missing, missing ? std::string() : encode_entry(entry)};
  const auto ttl = missing ? options_.negative_ttl : options_.l2_ttl;
  // Never put(): see the header for why only these two fills are safe.
  auto stored = before.replaceable ? options_.l2->replace(code, *before.replaceable, value, ttl)
                                 : options_.l2->add(code, value, ttl);
  if (!stored) metrics::registry().cache_l2_errors.inc();
}

std::string LinkResolver::new_tombstone() {
  return tombstone_prefix_ + std::to_string(tombstone_sequence_.fetch_add(1, std::memory_order_relaxed));
}

void LinkResolver::l2_tombstone(std::string_view code) {
  if (options_.l2->put(code, new_tombstone(), options_.l2_tombstone_ttl)) return;
  metrics::registry().cache_l2_errors.inc();
  std::lock_guard lock(pending_mu_);
  if (pending_tombstones_.size() >= kMaxPendingTombstones) {
    log::error("l2_tombstone_dropped", {{"code", std::string(code)}});
    return;
  }
  pending_tombstones_.emplace(code);
  has_pending_.store(true, std::memory_order_release);
}

void LinkResolver::retry_l2_tombstones() {
  if (!has_pending_.load(std::memory_order_acquire)) return;
  std::unordered_set<std::string> pending;
  {
    std::lock_guard lock(pending_mu_);
    pending.swap(pending_tombstones_);
    has_pending_.store(false, std::memory_order_release);
  }
  size_t written = 0;
  for (auto it = pending.begin(); it != pending.end();) {
    if (!options_.l2->put(*it, new_tombstone(), options_.l2_tombstone_ttl)) break;  // still away: keep the rest
    ++written;
    it = pending.erase(it);
  }
  if (written > 0) log::info("l2_tombstones_written", {{"count", static_cast<int64_t>(written)}});
  if (pending.empty()) return;
  std::lock_guard lock(pending_mu_);
  pending_tombstones_.merge(pending);
  has_pending_.store(true, std::memory_order_release);
}

size_t LinkResolver::pending_l2_tombstones() {
  std::lock_guard lock(pending_mu_);
  return pending_tombstones_.size();
}

Result<size_t> LinkResolver::warm(size_t limit) {
  const auto snapshot = l1_.generations();
  const auto expires = Clock::now() + options_.positive_ttl;
  size_t added = 0;
  if (!l1_enabled_) return size_t{0};
  auto st = store_->scan_recent(limit, [&](const Link& link) {
    added += l1_.insert_if_absent_since(snapshot, link.code, make_redirect_entry(link), expires) ? 1 : 0;
  });
  if (!st) return st.error();
  return added;
}

void LinkResolver::invalidate(std::string_view code) {
  // L2 first: an instance that drops its L1 copy on hearing the change must not refill it from L2.
  if (options_.l2) {
    retry_l2_tombstones();
    l2_tombstone(code);
  }
  invalidate_local(code);
  feed_->publish(code);
}

void LinkResolver::invalidate_local(std::string_view code) {
  l1_.erase(code);
  // After the erase: a thread that sees the new epoch finds L1 already without the old entry.
  change_epoch_.fetch_add(1, std::memory_order_acq_rel);
}

void LinkResolver::forget_all() {
  // Called when the change feed comes back after a gap: Redis answers again, so this is the moment
  // to write the tombstones it missed.
  if (options_.l2) retry_l2_tombstones();
  l1_.clear();
  change_epoch_.fetch_add(1, std::memory_order_acq_rel);
}

void LinkResolver::use_change_feed(std::shared_ptr<ChangeFeed> feed) {
  feed_->stop();
  feed_ = std::move(feed);
  feed_->start([this](std::string_view code) { invalidate_local(code); }, [this] { forget_all(); });
}

}  // namespace shortstack::links
