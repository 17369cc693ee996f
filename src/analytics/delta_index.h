#pragma once
// Which rows of click_deltas belong to which link, kept in memory: deltas are appended in arrival
// order, and a disk index by link would put every round's inserts all over its pages again (the
// cost deltas exist to avoid). Rebuilt from the table at start. Thread-safe.
//
// It may briefly list rows that compaction has already deleted (readers find nothing there) and may
// lack rows committed a moment ago (they show on the next read); it never makes a reader count a
// row twice, because readers take these ids first and then read table and deltas in one snapshot.
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace shortstack::analytics {

class DeltaIndex {
 public:
  void add(int64_t link_id, int64_t seq);
  // A round's rows at once, under one lock.
  void add_all(const std::vector<std::pair<int64_t, int64_t>>& link_seqs);
  std::vector<int64_t> seqs_of(int64_t link_id) const;
  // Forgets every row with seq <= through (compaction folded them into the hourly table).
  void forget_through(int64_t through);
  size_t rows() const;

 private:
  // Flat on purpose: a round over clicks spread across a million links adds tens of thousands of
  // rows, and a node-based map spent a visible share of the aggregator's time allocating (a table
  // of chain heads, and one array of entries chained per link, newest first).
  struct Entry {
    int64_t seq;
    int64_t link_id;
    uint32_t next;  // kEnd: the link's oldest entry
  };
  struct Head {
    int64_t link_id;
    uint32_t entry;  // kEnd: an empty slot
  };
  static constexpr uint32_t kEnd = UINT32_MAX;
  void add_locked(int64_t link_id, int64_t seq);
  size_t slot_of(int64_t link_id) const;
  void grow();

  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  std::vector<Head> heads_ = std::vector<Head>(16, Head{0, kEnd});
  size_t links_ = 0;
};

}  // namespace shortstack::analytics
