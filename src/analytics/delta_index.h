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
#include <unordered_map>
#include <vector>

namespace shortstack::analytics {

class DeltaIndex {
 public:
  void add(int64_t link_id, int64_t seq);
  std::vector<int64_t> seqs_of(int64_t link_id) const;
  // Forgets every row with seq <= through (compaction folded them into the hourly table).
  void forget_through(int64_t through);
  size_t rows() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<int64_t, std::vector<int64_t>> by_link_;  // each vector ascending
  size_t rows_ = 0;
};

}  // namespace shortstack::analytics
