#pragma once
// The SessionStore seam. Session ids never reach a store: only their SHA-256 does.
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace shortstack::sessions {

struct Session {
  std::string id_hash;
  int64_t user_id = 0;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t idle_expires_at = 0;
  int64_t absolute_expires_at = 0;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual Status create(const Session& session) = 0;
  // The live session with this hash, or nullopt when absent or past either expiry. When the session was
  // last seen more than a minute ago its idle expiry moves to now + idle_ttl (touching on every request
  // would turn every read into a write).
  virtual Result<std::optional<Session>> find_and_touch(const std::string& id_hash, int64_t now, int64_t idle_ttl) = 0;
  virtual Status remove(const std::string& id_hash) = 0;
  virtual Status remove_for_user(int64_t user_id) = 0;
};

inline constexpr int64_t kTouchInterval = 60;

}  // namespace shortstack::sessions
