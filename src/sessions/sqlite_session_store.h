#pragma once
#include <memory>

#include "sessions/session_store.h"
#include "store/sqlite_db.h"

namespace shortstack::sessions {

class SqliteSessionStore final : public SessionStore {
 public:
  explicit SqliteSessionStore(std::shared_ptr<store::SqliteDb> db) : db_(std::move(db)) {}
  Status create(const Session& session) override;
  Result<std::optional<Session>> find_and_touch(const std::string& id_hash, int64_t now, int64_t idle_ttl) override;
  Status remove(const std::string& id_hash) override;
  Status remove_for_user(int64_t user_id) override;

 private:
  std::shared_ptr<store::SqliteDb> db_;
};

}  // namespace shortstack::sessions
