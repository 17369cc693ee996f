#include "analytics/delta_index.h"

#include <algorithm>

namespace shortstack::analytics {

void DeltaIndex::add(int64_t link_id, int64_t seq) {
  std::lock_guard lock(mu_);
  by_link_[link_id].push_back(seq);
  ++rows_;
}

std::vector<int64_t> DeltaIndex::seqs_of(int64_t link_id) const {
  std::lock_guard lock(mu_);
  auto it = by_link_.find(link_id);
  return it == by_link_.end() ? std::vector<int64_t>{} : it->second;
}

void DeltaIndex::forget_through(int64_t through) {
  std::lock_guard lock(mu_);
  for (auto it = by_link_.begin(); it != by_link_.end();) {
    auto& seqs = it->second;
    // Usually ascending, but an apply that committed before a compaction may add its ids after it.
    const auto kept = std::remove_if(seqs.begin(), seqs.end(), [through](int64_t s) { return s <= through; });
    rows_ -= static_cast<size_t>(seqs.end() - kept);
    seqs.erase(kept, seqs.end());
    it = seqs.empty() ? by_link_.erase(it) : std::next(it);
  }
}

size_t DeltaIndex::rows() const {
  std::lock_guard lock(mu_);
  return rows_;
}

}  // namespace shortstack::analytics
