#pragma once
// The SessionStore on PostgreSQL (stage 2 and up; Redis is the other distributed choice).
#include <memory>

#include "sessions/session_store.h"
#include "store/pg/pg_pool.h"

namespace shortstack::sessions {

class PgSessionStore final : public SessionStore {
 public:
  explicit PgSessionStore(std::shared_ptr<store::pg::PgPool> pool) : pool_(std::move(pool)) {}
  Status create(const Session& session) override;
  Result<std::optional<Session>> find_and_touch(const std::string& id_hash, int64_t now, int64_t idle_ttl) override;
  Status remove(const std::string& id_hash) override;
  Status remove_for_user(int64_t user_id) override;

 private:
  std::shared_ptr<store::pg::PgPool> pool_;
};

}  // namespace shortstack::sessions
