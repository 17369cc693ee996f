#pragma once
// Read-your-writes across instances: after a write commits, the account's last-write position is
// kept in the shared cache for a while, and reads for that account go to a replica only once it has
// replayed past it. Any instance behind the load balancer may take the next request, so the mark
// lives in the Cache seam (Redis from stage 3), not in this process.
//
// The mark lives `lifetime`, longer than the staleness limit of a fit replica: once it is gone,
// every replica allowed to serve has replayed past it anyway. A mark that cannot be read sends the
// read to the primary. One that cannot be written (Redis away at that moment, and back by the next
// read) leaves a window of at most the staleness limit in which that account may read a replica
// without its write: the documented bound.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "cache/cache.h"
#include "store/pg/lsn.h"

namespace shortstack::store::pg {

class WriteMarks {
 public:
  WriteMarks(std::shared_ptr<cache::Cache> cache, std::chrono::milliseconds lifetime)
      : cache_(std::move(cache)), lifetime_(lifetime) {}

  // After a committed write by `account` at WAL position `position`. Marks only move forward, so
  // two instances finishing writes out of order keep the later one.
  void record(int64_t account, Lsn position);
  // What the account's reads must see: 0 when it wrote nothing lately; nullopt when the mark could
  // not be read (read the primary).
  std::optional<Lsn> must_see(int64_t account);

 private:
  std::shared_ptr<cache::Cache> cache_;
  std::chrono::milliseconds lifetime_;
};

}  // namespace shortstack::store::pg
