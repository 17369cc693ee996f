#pragma once
// The seam that tells every instance a link changed, so each drops its cached copy at once. Stage 1
// has one process, whose resolver already dropped its own copy: nothing to tell (LocalChangeFeed).
// From stage 2 instances share the store but each keeps an L1, so a change made on one must reach
// the others' next request: RedisChangeFeed publishes it on a Redis channel.
#include <functional>
#include <string_view>

namespace shortstack::links {

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // After a committed change. Best effort: while the feed is down, others keep their copies until
  // their L1 lifetime ends (cache.positive_ttl_ms), and drop everything when the feed returns.
  virtual void publish(std::string_view code) = 0;
  // Starts delivering other instances' changes to `changed`; `missed` is called when some may have
  // been lost (the feed reconnected), and the receiver must then forget everything it cached.
  virtual void start(std::function<void(std::string_view code)> changed, std::function<void()> missed) = 0;
  virtual void stop() = 0;
};

class LocalChangeFeed final : public ChangeFeed {
 public:
  void publish(std::string_view) override {}
  void start(std::function<void(std::string_view)>, std::function<void()>) override {}
  void stop() override {}
};

}  // namespace shortstack::links
