#pragma once
// How stale a replica can be, from what the topology probe saw. The probe asks the primary for its
// WAL position about once a second and keeps (time the question was sent, position) pairs. A replica
// that has replayed up to L holds every transaction the primary had committed when it was at any
// position <= L, so it is no staler than "now - the latest such sample's time". That bound needs no
// clock on the servers, stays honest when the primary is idle (its position does not move, so every
// fresh sample covers the replica), and grows on its own when probes stop answering.
#include <chrono>
#include <deque>
#include <optional>

#include "store/pg/lsn.h"

namespace shortstack::store::pg {

class PrimaryHistory {
 public:
  using Clock = std::chrono::steady_clock;
  explicit PrimaryHistory(std::chrono::milliseconds keep) : keep_(keep) {}

  // `asked_at` is when the question left, not when the answer came: the position can only be newer.
  void record(Clock::time_point asked_at, Lsn primary_position);
  // The newest sample time at which the primary's position was at or before `replayed`: the replica
  // holds everything committed by then. nullopt when every kept sample is ahead of it.
  std::optional<Clock::time_point> covered_until(Lsn replayed) const;
  bool empty() const { return samples_.empty(); }
  // When the primary last answered; nullopt before it ever did.
  std::optional<Clock::time_point> latest() const {
    return samples_.empty() ? std::nullopt : std::optional<Clock::time_point>(samples_.back().at);
  }

 private:
  struct Sample {
    Clock::time_point at;
    Lsn position;
  };
  std::chrono::milliseconds keep_;
  std::deque<Sample> samples_;  // oldest first
};

}  // namespace shortstack::store::pg
