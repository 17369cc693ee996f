#pragma once
// A sharded cache with per-entry expiry and CLOCK (second-chance) eviction: one mutex per shard, so
// lookups on different keys rarely meet, and a hit only sets a flag on its entry instead of relinking
// a list that every core touches. Eviction takes the oldest entry not used since it was last passed.
// Each shard keeps a generation counter that erase() bumps; a reader that missed, went to the store and
// came back inserts only if no erase happened meanwhile (insert_if_unchanged), so a slow reader can
// never put back a value that a concurrent update had just invalidated.
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shortstack::cache {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <class V>
class ShardedLru {
 public:
  using Clock = std::chrono::steady_clock;

  ShardedLru(size_t capacity, size_t shards = 64) : shards_(shards) {
    per_shard_capacity_ = std::max<size_t>(1, capacity / shards);
  }

  // Calls fn(value) under the shard lock when the key is present and fresh; returns whether it did.
  // Letting the caller work under the lock avoids copying the value out (no refcount traffic).
  template <class F>
  bool visit(std::string_view key, Clock::time_point now, F&& fn) {
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return false;
    if (it->second->expires <= now) {
      s.order.erase(it->second);
      s.map.erase(it);
      return false;
    }
    // Write only on change: on a hot key, an unconditional store would bounce the line between cores.
    if (!it->second->referenced) it->second->referenced = true;
    fn(static_cast<const V&>(it->second->value));
    return true;
  }

  std::optional<V> get(std::string_view key, Clock::time_point now) {
    std::optional<V> out;
    visit(key, now, [&](const V& v) { out = v; });
    return out;
  }

  uint64_t generation(std::string_view key) {
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mu);
    return s.generation;
  }

  void put(std::string_view key, V value, Clock::time_point expires) {
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mu);
    put_locked(s, key, std::move(value), expires);
  }

  // Inserts only if nothing in the key's shard was erased since `generation` was read.
  bool insert_if_unchanged(std::string_view key, V value, Clock::time_point expires, uint64_t generation) {
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mu);
    if (s.generation != generation) return false;
    put_locked(s, key, std::move(value), expires);
    return true;
  }

  // Every shard's generation, for a bulk load that must not re-insert what was erased meanwhile.
  std::vector<uint64_t> generations() {
    std::vector<uint64_t> out;
    out.reserve(shards_.size());
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      out.push_back(s.generation);
    }
    return out;
  }

  // Inserts if the key is absent and its shard saw no erase since `snapshot` (from generations()).
  bool insert_if_absent_since(const std::vector<uint64_t>& snapshot, std::string_view key, V value,
                              Clock::time_point expires) {
    const size_t index = shard_index(key);
    Shard& s = shards_[index];
    std::lock_guard lock(s.mu);
    if (s.generation != snapshot[index] || s.map.find(key) != s.map.end()) return false;
    put_locked(s, key, std::move(value), expires);
    return true;
  }

  void erase(std::string_view key) {
    Shard& s = shard_for(key);
    std::lock_guard lock(s.mu);
    ++s.generation;
    if (auto it = s.map.find(key); it != s.map.end()) {
      s.order.erase(it->second);
      s.map.erase(it);
    }
  }

  void clear() {
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      ++s.generation;
      s.map.clear();
      s.order.clear();
    }
  }

  size_t size() {
    size_t n = 0;
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      n += s.map.size();
    }
    return n;
  }

 private:
  struct Entry {
    std::string key;
    V value;
    Clock::time_point expires;
    bool referenced = false;
  };
  struct Shard {
    std::mutex mu;
    std::list<Entry> order;  // newest (or most recently given a second chance) first
    std::unordered_map<std::string_view, typename std::list<Entry>::iterator, StringHash, std::equal_to<>> map;
    uint64_t generation = 0;
  };

  // The high bits pick the shard; the map inside uses the low bits, so the two stay independent.
  size_t shard_index(std::string_view key) const { return (StringHash{}(key) >> 48) % shards_.size(); }
  Shard& shard_for(std::string_view key) { return shards_[shard_index(key)]; }

  void put_locked(Shard& s, std::string_view key, V value, Clock::time_point expires) {
    if (auto it = s.map.find(key); it != s.map.end()) {
      it->second->value = std::move(value);
      it->second->expires = expires;
      it->second->referenced = true;
      return;
    }
    // Evict first: the entry being inserted must not be the victim of its own insertion.
    if (s.map.size() >= per_shard_capacity_) evict_one(s);
    s.order.push_front(Entry{std::string(key), std::move(value), expires, false});
    s.map.emplace(std::string_view(s.order.front().key), s.order.begin());
  }

  // Second chance: a referenced entry at the tail is moved to the front with its flag cleared; the
  // first unreferenced one is evicted. Ends within one pass, since every flag is cleared on the way.
  void evict_one(Shard& s) {
    while (s.order.back().referenced) {
      s.order.back().referenced = false;
      s.order.splice(s.order.begin(), s.order, std::prev(s.order.end()));
    }
    s.map.erase(std::string_view(s.order.back().key));
    s.order.pop_back();
  }

  std::vector<Shard> shards_;
  size_t per_shard_capacity_;
};

}  // namespace shortstack::cache
