#pragma once
// A sharded cache laid out for random-key lookups: each shard is an open-addressing table (linear
// probing, power-of-two size) of {hash, node*} slots, and each node holds its key inline next to the
// value. A hit is one probe plus one node, where a std::unordered_map + LRU list costs bucket, node,
// list entry and value: on this VM each dependent cache miss costs hundreds of nanoseconds, so the
// chain length is the lookup cost (micro_bench BM_L1HitRandomOf1M).
//
// Eviction is CLOCK over a ring of nodes; a hit only sets a flag (and only when it is not set yet).
// Expiry is per entry. Each shard has a generation counter that erase() bumps; readers that missed use
// it to avoid re-inserting a value that an update invalidated while they read the store.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shortstack::cache {

template <class V>
class FlatCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit FlatCache(size_t capacity, size_t shards = 64) : shards_(shards) {
    // Keys do not spread evenly over shards (binomially: sd ≈ sqrt(n/shards)), so a shard of exactly
    // capacity/shards fills and evicts while the total is still short of capacity. Four standard
    // deviations of headroom let the whole cache hold `capacity` entries, at ~3% more memory at 1M.
    const size_t even = std::max<size_t>(1, capacity / shards);
    per_shard_capacity_ = shards == 1 ? even : even + 4 * static_cast<size_t>(std::sqrt(static_cast<double>(even))) + 4;
    // Tables start small and double as they fill (kept at most half full, for short probes), so an
    // idle instance does not pay for the capacity it may never use.
    for (Shard& s : shards_) s.slots.resize(16);
  }

  template <class F>
  bool visit(std::string_view key, Clock::time_point now, F&& fn) {
    const uint64_t h = hash(key);
    Shard& s = shard_for(h);
    std::lock_guard lock(s.mu);
    const size_t i = find(s, h, key);
    if (i == kNone) return false;
    Node* n = s.slots[i].node;
    if (n->expires <= now) {
      remove_at(s, i);
      return false;
    }
    if (!n->referenced) n->referenced = true;
    fn(static_cast<const V&>(n->value));
    return true;
  }

  std::optional<V> get(std::string_view key, Clock::time_point now) {
    std::optional<V> out;
    visit(key, now, [&](const V& v) { out = v; });
    return out;
  }

  void put(std::string_view key, V value, Clock::time_point expires) {
    const uint64_t h = hash(key);
    Shard& s = shard_for(h);
    std::lock_guard lock(s.mu);
    put_locked(s, h, key, std::move(value), expires);
  }

  uint64_t generation(std::string_view key) {
    Shard& s = shard_for(hash(key));
    std::lock_guard lock(s.mu);
    return s.generation;
  }

  bool insert_if_unchanged(std::string_view key, V value, Clock::time_point expires, uint64_t generation) {
    const uint64_t h = hash(key);
    Shard& s = shard_for(h);
    std::lock_guard lock(s.mu);
    if (s.generation != generation) return false;
    put_locked(s, h, key, std::move(value), expires);
    return true;
  }

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
    const uint64_t h = hash(key);
    const size_t index = shard_index(h);
    Shard& s = shards_[index];
    std::lock_guard lock(s.mu);
    if (s.generation != snapshot[index] || find(s, h, key) != kNone) return false;
    put_locked(s, h, key, std::move(value), expires);
    return true;
  }

  // Inserts unless the key holds an entry that is still live at `now`.
  bool insert_if_absent(std::string_view key, V value, Clock::time_point now, Clock::time_point expires) {
    const uint64_t h = hash(key);
    Shard& s = shard_for(h);
    std::lock_guard lock(s.mu);
    if (const size_t i = find(s, h, key); i != kNone && s.slots[i].node->expires > now) return false;
    put_locked(s, h, key, std::move(value), expires);
    return true;
  }

  // Replaces the entry when it is live at `now` and `pred(current)` holds.
  template <class Pred>
  bool replace_if(std::string_view key, Pred&& pred, V value, Clock::time_point now, Clock::time_point expires) {
    const uint64_t h = hash(key);
    Shard& s = shard_for(h);
    std::lock_guard lock(s.mu);
    const size_t i = find(s, h, key);
    if (i == kNone) return false;
    Node* n = s.slots[i].node;
    if (n->expires <= now || !pred(static_cast<const V&>(n->value))) return false;
    n->value = std::move(value);
    n->expires = expires;
    return true;
  }

  void erase(std::string_view key) {
    const uint64_t h = hash(key);
    Shard& s = shard_for(h);
    std::lock_guard lock(s.mu);
    ++s.generation;
    if (const size_t i = find(s, h, key); i != kNone) remove_at(s, i);
  }

  // Forgets every entry. Generations advance too, so reads in flight do not re-insert what they
  // loaded before the clear.
  void clear() {
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      ++s.generation;
      s.ring.clear();
      s.hand = 0;
      s.slots.assign(16, Slot{});
    }
  }

  // The most entries the cache holds: the nominal capacity plus each shard's headroom.
  size_t max_size() const { return per_shard_capacity_ * shards_.size(); }

  size_t size() {
    size_t n = 0;
    for (Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      n += s.ring.size();
    }
    return n;
  }

 private:
  static constexpr size_t kNone = SIZE_MAX;

  struct Node {
    std::string key;
    V value;
    Clock::time_point expires;
    bool referenced = false;
    size_t ring_pos = 0;
    uint64_t hash = 0;
  };
  struct Slot {
    uint64_t hash = 0;
    Node* node = nullptr;  // null: empty
  };
  struct Shard {
    std::mutex mu;
    std::vector<Slot> slots;
    std::vector<std::unique_ptr<Node>> ring;  // CLOCK order; the hand walks it
    size_t hand = 0;
    uint64_t generation = 0;
  };

  static uint64_t hash(std::string_view key) {
    // std::hash is murmur-based here; mix once more so shard and slot bits are independent.
    uint64_t h = std::hash<std::string_view>{}(key);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
  }
  size_t shard_index(uint64_t h) const { return (h >> 56) % shards_.size(); }
  Shard& shard_for(uint64_t h) { return shards_[shard_index(h)]; }

  static size_t find(const Shard& s, uint64_t h, std::string_view key) {
    const size_t mask = s.slots.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& slot = s.slots[i];
      if (!slot.node) return kNone;
      if (slot.hash == h && slot.node->key == key) return i;
    }
  }

  void put_locked(Shard& s, uint64_t h, std::string_view key, V value, Clock::time_point expires) {
    if (const size_t i = find(s, h, key); i != kNone) {
      Node* n = s.slots[i].node;
      n->value = std::move(value);
      n->expires = expires;
      n->referenced = true;
      return;
    }
    // Evict first: the entry being inserted must not be the victim of its own insertion.
    if (s.ring.size() >= per_shard_capacity_) evict_one(s);
    if ((s.ring.size() + 1) * 2 > s.slots.size()) grow(s);
    auto node = std::make_unique<Node>(Node{std::string(key), std::move(value), expires, false, s.ring.size(), h});
    place(s, h, node.get());
    s.ring.push_back(std::move(node));
  }

  static void place(Shard& s, uint64_t h, Node* node) {
    const size_t mask = s.slots.size() - 1;
    size_t i = h & mask;
    while (s.slots[i].node) i = (i + 1) & mask;
    s.slots[i] = Slot{h, node};
  }

  static void grow(Shard& s) {
    s.slots.assign(s.slots.size() * 2, Slot{});
    for (const auto& n : s.ring) place(s, n->hash, n.get());
  }

  // CLOCK: the hand clears referenced flags until it finds an unreferenced node, which it evicts.
  void evict_one(Shard& s) {
    for (;;) {
      if (s.hand >= s.ring.size()) s.hand = 0;
      Node* n = s.ring[s.hand].get();
      if (!n->referenced) break;
      n->referenced = false;
      ++s.hand;
    }
    Node* victim = s.ring[s.hand].get();
    remove_at(s, find(s, victim->hash, victim->key));
  }

  // Removes the node in slot i from the table (backward-shift deletion, so no tombstones) and the ring.
  void remove_at(Shard& s, size_t i) {
    Node* n = s.slots[i].node;
    const size_t mask = s.slots.size() - 1;
    size_t hole = i;
    for (size_t j = (i + 1) & mask; s.slots[j].node; j = (j + 1) & mask) {
      const size_t ideal = s.slots[j].hash & mask;
      // Move j into the hole unless its ideal slot lies cyclically in (hole, j].
      const bool stays = hole <= j ? (hole < ideal && ideal <= j) : (hole < ideal || ideal <= j);
      if (!stays) {
        s.slots[hole] = s.slots[j];
        hole = j;
      }
    }
    s.slots[hole] = Slot{};
    // Swap-remove from the ring, keeping the moved node's position up to date.
    const size_t pos = n->ring_pos;
    if (pos != s.ring.size() - 1) {
      std::swap(s.ring[pos], s.ring.back());
      s.ring[pos]->ring_pos = pos;
    }
    s.ring.pop_back();
  }

  std::vector<Shard> shards_;
  size_t per_shard_capacity_;
};

}  // namespace shortstack::cache
