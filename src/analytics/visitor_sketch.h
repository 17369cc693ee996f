#pragma once
// Distinct-visitor estimates that merge. A link-hour keeps the exact set of 32-bit visitor hashes
// while it has few (most link-hours do), and switches to a HyperLogLog of 1,024 registers (standard
// error about 3%) once the exact set would be larger. Either form is at most ~1 KiB, so an hourly
// row stays small however popular the link is, and sketches of several hours merge into the
// sketch of their union.
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shortstack::analytics {

class VisitorSketch {
 public:
  static constexpr int kPrecision = 10;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;
  static constexpr size_t kMaxExact = 256;  // 256 hashes × 4 bytes = the size of the dense form

  void add(uint64_t visitor_hash);
  void merge(const VisitorSketch& other);
  uint64_t estimate() const;
  bool exact() const { return registers_.empty(); }
  bool empty() const { return exact() && hashes_.empty(); }

  std::string encode() const;
  void append_encoded(std::string& out) const;
  static std::optional<VisitorSketch> decode(std::string_view bytes);
  // Whether decode() would accept the bytes, without building the sketch.
  static bool valid(std::string_view bytes);

 private:
  void add32(uint32_t h);
  void densify();
  // Sorted, unique; the exact form. Most link-hours see one or two visitors, and an aggregation round
  // builds tens of thousands of sketches, so the first few hashes live inline, not on the heap.
  boost::container::small_vector<uint32_t, 2> hashes_;
  std::vector<uint8_t> registers_;  // the HyperLogLog form, when not empty
};

}  // namespace shortstack::analytics
