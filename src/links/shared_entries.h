#pragma once
// The redirect entries every instance shares in L2 (the Cache seam: Redis from stage 3), and the rule
// that keeps them right while instances change links concurrently.
//
// A change, once committed, overwrites the code's entry with a tombstone: a marker unique to that
// change, which reads as a miss. Readers fill L2 after their store read only
//   - where nothing is (Cache::add), or
//   - where the very value they saw *before* their store read still is (Cache::replace): a change's
//     tombstone, or an entry this version cannot read.
// A reader that saw the tombstone first read the store after the change committed, so its fill is
// current; any fill begun before a change finds a different tombstone (or one where it saw nothing)
// and is dropped. A tombstone outlives any store read (tombstone_ttl > postgres.timeout_ms), so a
// read that began before a change cannot outlast it and fill over the gap.
// When a tombstone cannot be written (Redis away), the code is kept and written again once Redis
// answers; if this process dies first, the entry lifetime bounds how long the stale entry can live.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "cache/cache.h"
#include "links/redirect_response.h"

namespace shortstack::links {

class SharedEntries {
 public:
  struct Lifetimes {
    std::chrono::milliseconds entry{std::chrono::minutes(5)};
    std::chrono::milliseconds negative{std::chrono::seconds(30)};
    std::chrono::milliseconds tombstone{std::chrono::seconds(10)};
  };
  SharedEntries(std::shared_ptr<cache::Cache> l2, Lifetimes lifetimes);

  struct Read {
    std::optional<RedirectEntry> entry;  // a hit
    std::optional<std::string> replaceable;  // the non-hit value found, which a fill may replace
    bool failed = false;  // L2 did not answer: do not try to fill it either
  };
  // Before the store read. Failures are counted, never returned: the store answers instead.
  Read lookup(std::string_view code);
  // After the store read, with what lookup() saw before it.
  void fill(std::string_view code, const RedirectEntry& entry, const Read& before);
  // After a committed change to the link.
  void changed(std::string_view code);
  // Writes the tombstones missed while L2 was away; cheap when there are none.
  void retry_pending();
  size_t pending();

 private:
  std::string new_tombstone();

  std::shared_ptr<cache::Cache> l2_;
  Lifetimes lifetimes_;
  // Tombstones are unique across processes: this process's random prefix and a sequence.
  const std::string tombstone_prefix_;
  std::atomic<uint64_t> tombstone_sequence_{0};
  std::mutex pending_mu_;
  std::unordered_set<std::string> pending_;
  std::atomic<bool> has_pending_{false};
};

}  // namespace shortstack::links
