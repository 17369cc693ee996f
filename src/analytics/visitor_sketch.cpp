#include "analytics/visitor_sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace shortstack::analytics {
namespace {

constexpr char kExactTag = 'S';
constexpr char kDenseTag = 'D';

// Only the top 32 bits of a visitor hash are kept: plenty to tell a link-hour's visitors apart, and
// both forms must see the same bits so that converting one to the other changes nothing.
uint32_t top32(uint64_t h) { return static_cast<uint32_t>(h >> 32); }

uint8_t rank_of(uint32_t h) {
  const uint32_t rest = h << VisitorSketch::kPrecision;  // the bits after the register index
  const int zeros = rest == 0 ? 32 - VisitorSketch::kPrecision : std::countl_zero(rest);
  return static_cast<uint8_t>(std::min(zeros, 32 - VisitorSketch::kPrecision) + 1);
}

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

}  // namespace

void VisitorSketch::add(uint64_t visitor_hash) { add32(top32(visitor_hash)); }

void VisitorSketch::add32(uint32_t h) {
  if (!exact()) {
    uint8_t& r = registers_[h >> (32 - kPrecision)];
    r = std::max(r, rank_of(h));
    return;
  }
  auto at = std::lower_bound(hashes_.begin(), hashes_.end(), h);
  if (at != hashes_.end() && *at == h) return;
  hashes_.insert(at, h);
  if (hashes_.size() > kMaxExact) densify();
}

void VisitorSketch::densify() {
  registers_.assign(kRegisters, 0);
  const auto hashes = std::move(hashes_);
  hashes_.clear();
  for (uint32_t h : hashes) add32(h);
}

void VisitorSketch::merge(const VisitorSketch& other) {
  if (other.exact()) {
    for (uint32_t h : other.hashes_) add32(h);
    return;
  }
  if (exact()) densify();
  for (size_t i = 0; i < kRegisters; ++i) registers_[i] = std::max(registers_[i], other.registers_[i]);
}

uint64_t VisitorSketch::estimate() const {
  if (exact()) return hashes_.size();
  const double m = static_cast<double>(kRegisters);
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  const double alpha = 0.7213 / (1 + 1.079 / m);
  const double raw = alpha * m * m / sum;
  // Linear counting is the better estimator while many registers are still empty (Flajolet et al.).
  if (raw <= 2.5 * m && zeros > 0) return static_cast<uint64_t>(std::llround(m * std::log(m / static_cast<double>(zeros))));
  return static_cast<uint64_t>(std::llround(raw));
}

std::string VisitorSketch::encode() const {
  std::string out;
  out.reserve(exact() ? 1 + 4 * hashes_.size() : 1 + kRegisters);
  append_encoded(out);
  return out;
}

void VisitorSketch::append_encoded(std::string& out) const {
  if (exact()) {
    out.push_back(kExactTag);
    for (uint32_t h : hashes_) put_u32(out, h);
  } else {
    out.push_back(kDenseTag);
    out.append(reinterpret_cast<const char*>(registers_.data()), registers_.size());
  }
}

bool VisitorSketch::valid(std::string_view bytes) {
  if (bytes.empty()) return true;
  const char tag = bytes.front();
  bytes.remove_prefix(1);
  if (tag == kExactTag) {
    if (bytes.size() % 4 != 0 || bytes.size() / 4 > kMaxExact) return false;
    for (size_t i = 4; i < bytes.size(); i += 4)
      if (get_u32(bytes.data() + i) <= get_u32(bytes.data() + i - 4)) return false;  // sorted and unique
    return true;
  }
  if (tag != kDenseTag || bytes.size() != kRegisters) return false;
  for (char r : bytes)
    if (static_cast<uint8_t>(r) > 32 - kPrecision + 1) return false;
  return true;
}

std::optional<VisitorSketch> VisitorSketch::decode(std::string_view bytes) {
  if (!valid(bytes)) return std::nullopt;
  VisitorSketch s;
  if (bytes.empty()) return s;
  const char tag = bytes.front();
  bytes.remove_prefix(1);
  if (tag == kExactTag) {
    s.hashes_.reserve(bytes.size() / 4);
    for (size_t i = 0; i < bytes.size(); i += 4) s.hashes_.push_back(get_u32(bytes.data() + i));
  } else {
    s.registers_.assign(bytes.begin(), bytes.end());
  }
  return s;
}

}  // namespace shortstack::analytics
