#include "analytics/delta_index.h"

#include <algorithm>

namespace shortstack::analytics {

size_t DeltaIndex::slot_of(int64_t link_id) const {
  const size_t mask = heads_.size() - 1;
  size_t i = static_cast<size_t>(static_cast<uint64_t>(link_id) * 0x9E3779B97F4A7C15ULL >> 20) & mask;
  while (heads_[i].entry != kEnd && heads_[i].link_id != link_id) i = (i + 1) & mask;
  return i;
}

void DeltaIndex::grow() {
  std::vector<Head> old(heads_.size() * 2, Head{0, kEnd});
  old.swap(heads_);
  for (const Head& h : old)
    if (h.entry != kEnd) heads_[slot_of(h.link_id)] = h;
}

void DeltaIndex::add_locked(int64_t link_id, int64_t seq) {
  if ((links_ + 1) * 2 > heads_.size()) grow();
  Head& h = heads_[slot_of(link_id)];
  if (h.entry == kEnd) {
    h.link_id = link_id;
    ++links_;
  }
  entries_.push_back({seq, link_id, h.entry});
  h.entry = static_cast<uint32_t>(entries_.size() - 1);
}

void DeltaIndex::add(int64_t link_id, int64_t seq) {
  std::lock_guard lock(mu_);
  add_locked(link_id, seq);
}

void DeltaIndex::add_all(const std::vector<std::pair<int64_t, int64_t>>& link_seqs) {
  std::lock_guard lock(mu_);
  entries_.reserve(entries_.size() + link_seqs.size());
  for (const auto& [link, seq] : link_seqs) add_locked(link, seq);
}

std::vector<int64_t> DeltaIndex::seqs_of(int64_t link_id) const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  for (uint32_t e = heads_[slot_of(link_id)].entry; e != kEnd; e = entries_[e].next) out.push_back(entries_[e].seq);
  // Usually already descending; an apply that committed before a compaction may add its ids after it.
  std::sort(out.begin(), out.end());
  return out;
}

void DeltaIndex::forget_through(int64_t through) {
  std::lock_guard lock(mu_);
  std::vector<Entry> kept;
  for (const Entry& e : entries_)
    if (e.seq > through) kept.push_back(e);
  entries_.clear();
  heads_.assign(16, Head{0, kEnd});
  links_ = 0;
  for (const Entry& e : kept) add_locked(e.link_id, e.seq);
  entries_.shrink_to_fit();
}

size_t DeltaIndex::rows() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace shortstack::analytics
