#include "links/link_resolver.h"

#include "metrics/metrics.h"

namespace shortstack::links {

namespace {
std::atomic<uint64_t> g_next_resolver_id{1};
}  // namespace

LinkResolver::LinkResolver(std::shared_ptr<LinkStore> store, ResolverOptions options)
    : instance_id_(g_next_resolver_id++),
      store_(std::move(store)),
      options_(options),
      l1_(std::max<size_t>(1, options.l1_entries)),
      l1_enabled_(options.l1_entries > 0) {
  if (options.l2)
    l2_ = std::make_unique<SharedEntries>(options.l2, SharedEntries::Lifetimes{options.l2_ttl, options.negative_ttl,
                                                                               options.l2_tombstone_ttl});
}

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
  SharedEntries::Read shared;
  if (l2_) {
    shared = l2_->lookup(code);
    if (shared.entry) {
      fill_l1(code, *shared.entry, generation);
      return *shared.entry;
    }
  }
  // A clean L2 miss means no change to this code is recent: a change leaves its tombstone there for
  // longer than a replica may lag, so a replica may answer. Anything else (a tombstone, L2 away, no
  // L2 at all) reads the primary.
  const bool no_recent_change = l2_ && !shared.failed && !shared.replaceable;
  auto found = no_recent_change ? store_->find_by_code_relaxed(code) : store_->find_by_code(code);
  if (!found) return found.error();
  RedirectEntry entry = found->has_value() ? make_redirect_entry(**found) : missing_entry();
  if (l2_) l2_->fill(code, entry, shared);
  fill_l1(code, entry, generation);
  return entry;
}

LinkResolver::Clock::time_point LinkResolver::l1_expiry(std::string_view code, Clock::time_point now,
                                                       std::chrono::milliseconds ttl) {
  // A mass expiry sends every request to the store at once: with a million links warmed in one
  // go, five minutes later each redirect was a SQLite read and p50 latency at half of peak load went
  // from 0.15 ms to over a second (bench/RESULTS.md, session 6). Spreading expiries over half the
  // TTL by the code's hash keeps them spread after every refill, and needs no random state.
  uint64_t h = std::hash<std::string_view>{}(code);
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  const auto ttl_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(ttl);
  const auto spread = std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(h >> 11) * 0x1p-53 *
                                                                    static_cast<double>(ttl_ns.count()) / 2));
  return now + ttl_ns - spread;
}

void LinkResolver::fill_l1(std::string_view code, const RedirectEntry& entry, uint64_t generation) {
  if (!l1_enabled_) return;
  const auto ttl = entry.kind == RedirectEntry::Kind::Missing ? options_.negative_ttl : options_.positive_ttl;
  l1_.insert_if_unchanged(code, entry, l1_expiry(code, Clock::now(), ttl), generation);
}

Result<size_t> LinkResolver::warm(size_t limit) {
  const auto snapshot = l1_.generations();
  const auto now = Clock::now();
  size_t added = 0;
  if (!l1_enabled_) return size_t{0};
  auto st = store_->scan_recent(limit, [&](const Link& link) {
    const auto expires = l1_expiry(link.code, now, options_.positive_ttl);
    added += l1_.insert_if_absent_since(snapshot, link.code, make_redirect_entry(link), expires) ? 1 : 0;
  });
  if (!st) return st.error();
  return added;
}

void LinkResolver::invalidate(std::string_view code) {
  // L2 first: an instance that drops its L1 copy on hearing the change must not refill it from L2.
  if (l2_) l2_->changed(code);
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
  if (l2_) l2_->retry_pending();
  l1_.clear();
  change_epoch_.fetch_add(1, std::memory_order_acq_rel);
}

void LinkResolver::use_change_feed(std::shared_ptr<ChangeFeed> feed) {
  feed_->stop();
  feed_ = std::move(feed);
  feed_->start([this](std::string_view code) { invalidate_local(code); }, [this] { forget_all(); });
}

}  // namespace shortstack::links
