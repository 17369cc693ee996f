#pragma once
// Link changes over Redis pub/sub: PUBLISH on change, and one subscriber thread per instance that
// drops the changed code from this instance's caches and acknowledges it; publish() returns once
// every subscriber has (or after kAckWait), so the change is in force everywhere when the API answers. Pub/sub keeps nothing for a subscriber that
// is away, so after a reconnect the subscriber reports a gap and the instance forgets its whole L1.
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "links/change_feed.h"
#include "store/redis/redis_pool.h"

namespace shortstack::links {

class RedisChangeFeed final : public ChangeFeed {
 public:
  RedisChangeFeed(std::shared_ptr<store::redis::RedisPool> redis, std::string channel = "ss:links:changed");
  ~RedisChangeFeed() override { stop(); }
  void publish(std::string_view code) override;
  void start(std::function<void(std::string_view)> changed, std::function<void()> missed) override;
  void stop() override;
  // True while subscribed (tests wait for it before publishing).
  bool subscribed() const { return subscribed_.load(); }
  static constexpr std::chrono::milliseconds kAckWait{250};

 private:
  void run();
  // One subscription until it breaks or stop(); false when it could not subscribe at all.
  bool listen(redisContext* c, bool first);

  std::shared_ptr<store::redis::RedisPool> redis_;
  std::string channel_;
  std::string instance_;  // names this publisher's messages
  std::atomic<uint64_t> sequence_{0};
  std::function<void(std::string_view)> changed_;
  std::function<void()> missed_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> subscribed_{false};
  std::thread thread_;
};

}  // namespace shortstack::links
