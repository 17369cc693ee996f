#include "store/pg/primary_history.h"

namespace shortstack::store::pg {

void PrimaryHistory::record(Clock::time_point asked_at, Lsn primary_position) {
  samples_.push_back({asked_at, primary_position});
  // Keep one sample older than the window: it still bounds a replica that is just inside it.
  while (samples_.size() > 2 && samples_[1].at < asked_at - keep_) samples_.pop_front();
}

std::optional<PrimaryHistory::Clock::time_point> PrimaryHistory::covered_until(Lsn replayed) const {
  for (auto it = samples_.rbegin(); it != samples_.rend(); ++it)
    if (it->position <= replayed) return it->at;
  return std::nullopt;
}

}  // namespace shortstack::store::pg
