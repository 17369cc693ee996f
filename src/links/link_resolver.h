#pragma once
// Code → redirect, through the L1 cache (in process, pre-rendered), an optional L2 (the Cache seam:
// Redis from stage 2, shared by every instance) and the LinkStore. Unknown codes are cached as negative
// entries at both levels, so a scanner cannot hammer the store.
// How L2 stays right while instances change links concurrently: links/shared_entries.h.
#include <array>
#include <atomic>
#include <chrono>
#include <optional>
#include <memory>
#include <string_view>

#include "cache/cache.h"
#include "cache/flat_cache.h"
#include "links/change_feed.h"
#include "links/link_store.h"
#include "links/redirect_response.h"
#include "links/shared_entries.h"

namespace shortstack::links {

struct ResolverOptions {
  static ResolverOptions with_l1(size_t entries) {
    ResolverOptions o;
    o.l1_entries = entries;
    return o;
  }
  size_t l1_entries = 1'000'000;
  // An L1 entry lives between half of its TTL and all of it, the point set by its code (see
  // l1_expiry): entries filled together, as the start-up warm-up fills a million, must not all
  // expire together.
  std::chrono::milliseconds positive_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds negative_ttl{std::chrono::seconds(30)};
  // The shared cache; null: none (stage 1).
  std::shared_ptr<cache::Cache> l2;
  std::chrono::milliseconds l2_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds l2_tombstone_ttl{std::chrono::seconds(10)};
};

class LinkResolver {
 public:
  using Clock = std::chrono::steady_clock;
  LinkResolver(std::shared_ptr<LinkStore> store, ResolverOptions options);
  ~LinkResolver() { feed_->stop(); }  // the feed's thread calls back into this object

  struct Answer {
    int status = 0;
    int64_t link_id = 0;  // the link to count a click for; 0 when the answer was 404 or 410
    int64_t owner_id = 0;
  };
  // On the event loop: answers from L1 only. Returns nullopt on a miss.
  std::optional<Answer> render_cached(std::string_view code, Clock::time_point now, int64_t unix_now,
                                      std::string_view date_line, bool keep_alive, bool head, bool wants_html,
                                      std::string& out);

  // On the blocking pool: the L2 and store reads behind an L1 miss. Fills the caches and returns the
  // entry. An L2 that fails is skipped (counted, not an error): redirects then come from the store.
  Result<RedirectEntry> load(std::string_view code);

  // Loads up to `limit` of the newest links into L1, so a restart does not send every first click of
  // a running campaign to the store at once. Safe beside live traffic and updates: an entry changed
  // during the scan is left for a normal miss. Returns how many entries it added.
  Result<size_t> warm(size_t limit);

  // Called after every committed change to a link; the next request sees the change, on this
  // instance and (through the change feed) on the others.
  void invalidate(std::string_view code);
  // A change another instance made: drop the local copy only.
  void invalidate_local(std::string_view code);
  // Some changes may have been missed: forget every cached entry.
  void forget_all();
  // Before serving; the resolver starts it and keeps it.
  void use_change_feed(std::shared_ptr<ChangeFeed> feed);

  size_t l1_size() { return l1_.size(); }
  // When an L1 entry for `code` filled at `now` expires: now + ttl × (1/2 .. 1), by a hash of the code.
  static Clock::time_point l1_expiry(std::string_view code, Clock::time_point now, std::chrono::milliseconds ttl);
  // Codes whose L2 tombstone is still to be written (Redis was away when they changed).
  size_t pending_l2_tombstones() { return l2_ ? l2_->pending() : 0; }

 private:
  void fill_l1(std::string_view code, const RedirectEntry& entry, uint64_t generation);

  // A few recent hits per thread, in front of L1, so a campaign's hot link is answered without
  // touching the shard mutex that every loop shares. Entries are trusted only while the global
  // change epoch is what it was when they were copied; every invalidate() bumps it.
  struct Recent {
    std::string code;  // the copy below is for this code
    RedirectEntry entry;
    Clock::time_point expires{};
  };
  static constexpr size_t kRecentSlots = 64;
  struct ThreadRecent {
    uint64_t owner = 0;  // instance_id_ of the resolver the copies came from
    uint64_t epoch = 0;
    std::array<Recent, kRecentSlots> slots;
  };
  ThreadRecent& thread_recent();
  std::atomic<uint64_t> change_epoch_{0};
  // Not the address: a resolver created where a destroyed one lived must not inherit its copies.
  const uint64_t instance_id_;

  std::shared_ptr<LinkStore> store_;
  std::shared_ptr<ChangeFeed> feed_ = std::make_shared<LocalChangeFeed>();
  ResolverOptions options_;
  cache::FlatCache<RedirectEntry> l1_;
  const bool l1_enabled_;  // off (l1_entries = 0) only to measure L2 alone
  std::unique_ptr<SharedEntries> l2_;  // null without an L2
};

}  // namespace shortstack::links
