#pragma once
// Sessions in Redis, shared by every instance: a hash per session (keyed by the hex of the id's
// SHA-256, never the id), and a set of each user's sessions so a suspension or password change can
// end them all. A key lives no longer than the session's absolute lifetime; the idle and absolute
// expiries themselves are checked against the caller's clock, as in every SessionStore.
#include <memory>

#include "sessions/session_store.h"
#include "store/redis/redis_pool.h"

namespace shortstack::sessions {

class RedisSessionStore final : public SessionStore {
 public:
  explicit RedisSessionStore(std::shared_ptr<store::redis::RedisPool> redis, std::string prefix = "ss:")
      : redis_(std::move(redis)), prefix_(std::move(prefix)) {}
  Status create(const Session& session) override;
  Result<std::optional<Session>> find_and_touch(const std::string& id_hash, int64_t now, int64_t idle_ttl) override;
  Status remove(const std::string& id_hash) override;
  Status remove_for_user(int64_t user_id) override;

 private:
  std::string session_key(std::string_view hex_id) const { return prefix_ + "s:" + std::string(hex_id); }
  std::string user_key(int64_t user_id) const { return prefix_ + "u:" + std::to_string(user_id); }

  std::shared_ptr<store::redis::RedisPool> redis_;
  std::string prefix_;
};

}  // namespace shortstack::sessions
