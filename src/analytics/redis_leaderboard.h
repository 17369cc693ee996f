#pragma once
// The leaderboard in Redis: one sorted set per owner and hour ({prefix}{owner}:{hour}, member link
// id, score human clicks), kept for kRetainedHours. top() unions the window's sets.
//
// Exactness. The ClickStore is the record; this is a fast copy of its ranking. When feeding Redis
// fails, the copy is incomplete: a marker key (set as soon as Redis answers again, for
// kRetainedHours) sends top() to the ClickStore until every hour it covers has aged out. A window
// older than Redis keeps, and any Redis error in top(), also go to the ClickStore. What is not
// detected: an aggregating process killed between the store commit and the Redis update leaves that
// one round out of the ranking (not out of the stats or totals).
#include <atomic>
#include <memory>
#include <string>

#include "analytics/leaderboard.h"
#include "store/redis/redis_pool.h"

namespace shortstack::analytics {

class RedisLeaderboard final : public Leaderboard {
 public:
  static constexpr int64_t kRetainedHours = 26;  // a 24 h window spans 25 hourly sets, plus one spare
  RedisLeaderboard(std::shared_ptr<store::redis::RedisPool> redis, std::shared_ptr<ClickStore> fallback,
                   std::string prefix = "ss:lb:");
  Status add(const RoundRollups& applied) override;
  Result<std::vector<TopLink>> top(int64_t owner_id, int64_t from_hour, size_t limit) override;

 private:
  Status feed(const RoundRollups& applied);
  Status mark_incomplete();
  Result<bool> incomplete();

  std::shared_ptr<store::redis::RedisPool> redis_;
  std::shared_ptr<ClickStore> fallback_;
  std::string prefix_;
  std::atomic<bool> marker_owed_{false};  // a feed failed and the marker is not in Redis yet
};

}  // namespace shortstack::analytics
