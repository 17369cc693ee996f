#include "analytics/rollup_table.h"

#include <bit>
#include <stdexcept>

namespace shortstack::analytics {

RollupTable::RollupTable(const RollupTable& other) { *this = other; }

RollupTable& RollupTable::operator=(const RollupTable& other) {
  if (this == &other) return *this;
  clear();
  reserve(other.size());
  for (const auto& [at, r] : other) (*this)[at] = r;
  return *this;
}

uint64_t RollupTable::hash_of(const LinkHour& at) {
  // splitmix64's finalizer over both fields: the index takes the low bits, and link ids are
  // sequential, so they must be mixed into every bit.
  uint64_t x = static_cast<uint64_t>(at.link_id) * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(at.hour);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

size_t RollupTable::probe(const LinkHour& at, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.position == kEmpty) return i;
    if (s.hash == hash && at_position(s.position).first == at) return i;
  }
}

void RollupTable::grow_index(size_t slots) {
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(slots));
  const size_t mask = slots - 1;
  // Positions are unique, so re-placing needs no key comparison and never touches a rollup.
  for (const Slot& s : old) {
    if (s.position == kEmpty) continue;
    size_t i = s.hash & mask;
    while (slots_[i].position != kEmpty) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void RollupTable::reserve(size_t n) {
  // At most half full: linear probing's expected probe length grows quickly past that.
  const size_t wanted = std::bit_ceil(std::max<size_t>(16, 2 * n));
  if (wanted > slots_.size()) grow_index(wanted);
}

RollupTable::value_type& RollupTable::append(const LinkHour& at) {
  if (size_ == kEmpty) throw std::length_error("a round cannot hold 2^32 link-hours");
  if ((size_ & (kChunkSize - 1)) == 0) {
    chunks_.emplace_back();
    chunks_.back().reserve(kChunkSize);
  }
  ++size_;
  return chunks_.back().emplace_back(at, HourRollup{});
}

HourRollup& RollupTable::operator[](const LinkHour& at) {
  if (2 * (size_ + 1) > slots_.size()) reserve(std::max<size_t>(size_ + 1, 2 * size_));
  const uint64_t hash = hash_of(at);
  Slot& s = slots_[probe(at, hash)];
  if (s.position != kEmpty) return at_position(s.position).second;
  const auto position = static_cast<uint32_t>(size_);
  value_type& added = append(at);
  s = {hash, position};
  return added.second;
}

const HourRollup* RollupTable::find(const LinkHour& at) const {
  if (slots_.empty()) return nullptr;
  const Slot& s = slots_[probe(at, hash_of(at))];
  return s.position == kEmpty ? nullptr : &at_position(s.position).second;
}

void RollupTable::prefetch_slot(const LinkHour& at) const {
  if (slots_.empty()) return;
  __builtin_prefetch(&slots_[hash_of(at) & (slots_.size() - 1)]);
}

void RollupTable::prefetch_rollup(const LinkHour& at) const {
  if (slots_.empty()) return;
  // Only the first slot probed: at most half full, the index nearly always finds the key there.
  const Slot& s = slots_[hash_of(at) & (slots_.size() - 1)];
  if (s.position == kEmpty) return;
  const char* rollup = reinterpret_cast<const char*>(&at_position(s.position));
  for (size_t line = 0; line < sizeof(value_type); line += 64) __builtin_prefetch(rollup + line, 1);
}

void RollupTable::clear() {
  slots_.clear();
  chunks_.clear();
  size_ = 0;
}

}  // namespace shortstack::analytics
