#include "analytics/redis_leaderboard.h"

#include <algorithm>
#include <ctime>

#include "log/log.h"

namespace shortstack::analytics {

namespace {

// Adds (hour, link, clicks) triples to their owner's hourly sets and refreshes each set's expiry, in
// one atomic step per chunk. ARGV: prefix, ttl seconds, then owner, hour, link, clicks repeated.
constexpr const char* kFeedScript = R"(
local prefix, ttl = ARGV[1], tonumber(ARGV[2])
for i = 3, #ARGV, 4 do
  local key = prefix .. ARGV[i] .. ':' .. ARGV[i + 1]
  redis.call('ZINCRBY', key, ARGV[i + 3], ARGV[i + 2])
  redis.call('EXPIRE', key, ttl)
end
return 1)";

constexpr size_t kTriplesPerCall = 2000;

int64_t current_hour() { return static_cast<int64_t>(std::time(nullptr)) / 3600; }

}  // namespace

RedisLeaderboard::RedisLeaderboard(std::shared_ptr<store::redis::RedisPool> redis, std::shared_ptr<ClickStore> fallback,
                                   std::string prefix)
    : redis_(std::move(redis)), fallback_(std::move(fallback)), prefix_(std::move(prefix)) {}

Status RedisLeaderboard::add(const RoundRollups& applied) {
  if (marker_owed_.load() && mark_incomplete()) marker_owed_.store(false);
  auto st = feed(applied);
  if (st) return st;
  log::warn("leaderboard_feed_failed", {{"error", st.error().message}});
  if (!mark_incomplete()) marker_owed_.store(true);
  return st;
}

Status RedisLeaderboard::feed(const RoundRollups& applied) {
  const std::string ttl = std::to_string(kRetainedHours * 3600);
  std::vector<std::string> args;
  auto start_call = [&] {
    args.assign({"EVAL", kFeedScript, "0", prefix_, ttl});
  };
  auto flush = [&]() -> Status {
    if (args.size() <= 5) return ok_status();
    auto r = redis_->command(args);
    start_call();
    if (!r) return r.error();
    return ok_status();
  };
  start_call();
  for (const auto& [key, rollup] : applied.rollups) {
    if (rollup.clicks == 0) continue;  // bots do not rank
    for (int64_t v : {rollup.owner_id, key.hour, key.link_id, rollup.clicks}) args.push_back(std::to_string(v));
    if ((args.size() - 5) / 4 >= kTriplesPerCall)
      if (auto st = flush(); !st) return st;
  }
  return flush();
}

Status RedisLeaderboard::mark_incomplete() {
  auto r = redis_->command({"SET", prefix_ + "incomplete", "1", "EX", std::to_string(kRetainedHours * 3600)});
  if (!r) return r.error();
  return ok_status();
}

Result<bool> RedisLeaderboard::incomplete() {
  if (marker_owed_.load()) return true;
  auto r = redis_->command({"EXISTS", prefix_ + "incomplete"});
  if (!r) return r.error();
  return r->integer() == 1;
}

Result<std::vector<TopLink>> RedisLeaderboard::top(int64_t owner_id, int64_t from_hour, size_t limit) {
  const int64_t now_hour = current_hour();
  if (now_hour - from_hour >= kRetainedHours) return fallback_->top(owner_id, from_hour, limit);
  auto gap = incomplete();
  if (!gap || *gap) return fallback_->top(owner_id, from_hour, limit);
  std::vector<std::string> args{"ZUNION", std::to_string(now_hour - std::max(from_hour, now_hour - kRetainedHours) + 1)};
  for (int64_t h = std::max(from_hour, now_hour - kRetainedHours); h <= now_hour; ++h)
    args.push_back(prefix_ + std::to_string(owner_id) + ":" + std::to_string(h));
  args.emplace_back("WITHSCORES");
  auto r = redis_->command(args);
  if (!r) return fallback_->top(owner_id, from_hour, limit);
  std::vector<TopLink> out;
  out.reserve(r->size() / 2);
  for (size_t i = 0; i + 1 < r->size(); i += 2) {
    const redisReply* member = r->at(i);
    const redisReply* score = r->at(i + 1);
    TopLink t;
    t.link_id = std::strtoll(member->str, nullptr, 10);
    t.clicks = static_cast<int64_t>(std::strtod(score->str, nullptr));
    out.push_back(t);
  }
  std::sort(out.begin(), out.end(), [](const TopLink& a, const TopLink& b) {
    return a.clicks != b.clicks ? a.clicks > b.clicks : a.link_id < b.link_id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace shortstack::analytics
