#include "links/shared_entries.h"

#include <cstdio>
#include <random>

#include "links/redirect_entry_codec.h"
#include "log/log.h"
#include "metrics/metrics.h"

namespace shortstack::links {

namespace {

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

// Codes kept for a tombstone retry while Redis is away. Beyond this many, the rest are left to the
// entry lifetime (and logged): changes are rare next to reads, and an outage that long has bigger
// problems.
constexpr size_t kMaxPendingTombstones = 100'000;

}  // namespace

SharedEntries::SharedEntries(std::shared_ptr<cache::Cache> l2, Lifetimes lifetimes)
    : l2_(std::move(l2)), lifetimes_(lifetimes), tombstone_prefix_(random_tombstone_prefix()) {}

SharedEntries::Read SharedEntries::lookup(std::string_view code) {
  retry_pending();
  auto& m = metrics::registry();
  Read out;
  auto got = l2_->get(code);
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

void SharedEntries::fill(std::string_view code, const RedirectEntry& entry, const Read& before) {
  if (before.failed) return;
  const bool missing = entry.kind == RedirectEntry::Kind::Missing;
  const cache::CacheValue value{missing, missing ? std::string() : encode_entry(entry)};
  const auto ttl = missing ? lifetimes_.negative : lifetimes_.entry;
  // Never put(): see the header for why only these two fills are safe.
  auto stored = before.replaceable ? l2_->replace(code, *before.replaceable, value, ttl) : l2_->add(code, value, ttl);
  if (!stored) metrics::registry().cache_l2_errors.inc();
}

std::string SharedEntries::new_tombstone() {
  return tombstone_prefix_ + std::to_string(tombstone_sequence_.fetch_add(1, std::memory_order_relaxed));
}

void SharedEntries::changed(std::string_view code) {
  retry_pending();
  if (l2_->put(code, new_tombstone(), lifetimes_.tombstone)) return;
  metrics::registry().cache_l2_errors.inc();
  std::lock_guard lock(pending_mu_);
  if (pending_.size() >= kMaxPendingTombstones) {
    log::error("l2_tombstone_dropped", {{"code", std::string(code)}});
    return;
  }
  pending_.emplace(code);
  has_pending_.store(true, std::memory_order_release);
}

void SharedEntries::retry_pending() {
  if (!has_pending_.load(std::memory_order_acquire)) return;
  std::unordered_set<std::string> pending;
  {
    std::lock_guard lock(pending_mu_);
    pending.swap(pending_);
    has_pending_.store(false, std::memory_order_release);
  }
  size_t written = 0;
  for (auto it = pending.begin(); it != pending.end();) {
    if (!l2_->put(*it, new_tombstone(), lifetimes_.tombstone)) break;  // still away: keep the rest
    ++written;
    it = pending.erase(it);
  }
  if (written > 0) log::info("l2_tombstones_written", {{"count", static_cast<int64_t>(written)}});
  if (pending.empty()) return;
  std::lock_guard lock(pending_mu_);
  pending_.merge(pending);
  has_pending_.store(true, std::memory_order_release);
}

size_t SharedEntries::pending() {
  std::lock_guard lock(pending_mu_);
  return pending_.size();
}

}  // namespace shortstack::links
