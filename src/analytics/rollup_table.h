#pragma once
// The rollups of one aggregation round, keyed by link-hour. Laid out for rounds that outgrow the
// CPU caches: a gathered round over clicks spread across a million links holds ~900k link-hours.
//
// A std::unordered_map walked bucket -> previous node -> node for each event, and allocated and
// freed a 376-byte node per link-hour; in BM_GatherSpreadRound that was ~60% of the aggregator's
// time per event. Here the index is an open-addressing table of {hash, position} (16 bytes, kept at
// most half full, so a probe rarely leaves its cache line), and the rollups live in fixed-size
// chunks in the order they were first seen: a lookup is one index line and one rollup, an insert
// appends, and nothing moves once placed, so references stay valid as the table grows.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analytics/hour_rollup.h"

namespace shortstack::analytics {

class RollupTable {
 public:
  using value_type = std::pair<LinkHour, HourRollup>;

  template <bool Const>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RollupTable::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<Const, const value_type*, value_type*>;
    using reference = std::conditional_t<Const, const value_type&, value_type&>;
    using Table = std::conditional_t<Const, const RollupTable, RollupTable>;

    Iterator() = default;
    Iterator(Table* table, size_t position) : table_(table), position_(position) {}
    reference operator*() const { return table_->at_position(position_); }
    pointer operator->() const { return &table_->at_position(position_); }
    Iterator& operator++() {
      ++position_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++position_;
      return before;
    }
    bool operator==(const Iterator& other) const { return position_ == other.position_; }

   private:
    Table* table_ = nullptr;
    size_t position_ = 0;
  };
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;

  RollupTable() = default;
  RollupTable(RollupTable&&) noexcept = default;
  RollupTable& operator=(RollupTable&&) noexcept = default;
  RollupTable(const RollupTable& other);
  RollupTable& operator=(const RollupTable& other);

  // The rollup for `at`, added empty if the table has none yet.
  HourRollup& operator[](const LinkHour& at);
  // Nullptr when absent.
  const HourRollup* find(const LinkHour& at) const;

  // Hints for a loop over many events, which otherwise waits on two cache misses per event in a
  // round larger than the caches: start loading the index slot of an event some way ahead, then,
  // once that slot has arrived, its rollup. Neither changes anything; both are safe on any key.
  void prefetch_slot(const LinkHour& at) const;
  void prefetch_rollup(const LinkHour& at) const;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Sizes the index for `n` link-hours, so a round expected to grow does not re-index as it fills.
  void reserve(size_t n);
  void clear();

  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  // 1,024 rollups (~350 KiB) per chunk: large enough that chunk bookkeeping is noise, small enough
  // that a round of a few link-hours does not reserve megabytes.
  static constexpr size_t kChunkBits = 10;
  static constexpr size_t kChunkSize = size_t{1} << kChunkBits;
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t position = kEmpty;
  };

  static uint64_t hash_of(const LinkHour& at);
  value_type& at_position(size_t position) { return chunks_[position >> kChunkBits][position & (kChunkSize - 1)]; }
  const value_type& at_position(size_t position) const {
    return chunks_[position >> kChunkBits][position & (kChunkSize - 1)];
  }
  // The slot that holds `at`, or the empty slot where it would go.
  size_t probe(const LinkHour& at, uint64_t hash) const;
  void grow_index(size_t slots);
  value_type& append(const LinkHour& at);

  std::vector<Slot> slots_;
  // Each chunk is reserved at kChunkSize and never grows past it, so its elements never move.
  std::vector<std::vector<value_type>> chunks_;
  size_t size_ = 0;
};

// Hashed, not ordered: a round over clicks spread across a million links builds up to a million
// entries, and a tree's pointer chasing was a visible part of the aggregator's cost.
using Rollups = RollupTable;

// One aggregation round: the click batches it holds (ids unique within the round) and their events
// rolled up together. A store applies a round all or nothing. Rolling a round up as one table, rather
// than one per batch merged afterwards, is what keeps clicks spread over a million links cheap:
// each event is hashed and stored once (bench/RESULTS.md, "the aggregator's round").
struct RoundRollups {
  struct Batch {
    std::string id;
    int64_t events = 0;
  };
  std::vector<Batch> batches;
  Rollups rollups;
};

}  // namespace shortstack::analytics
