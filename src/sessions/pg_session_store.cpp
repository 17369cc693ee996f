#include "sessions/pg_session_store.h"

#include <algorithm>

namespace shortstack::sessions {

using store::pg::Param;

namespace {
Status done(Result<store::pg::PgResult> r) {
  if (!r) return r.error();
  return ok_status();
}
}  // namespace

Status PgSessionStore::create(const Session& s) {
  return done(pool_->exec("INSERT INTO sessions(id_hash, user_id, created_at, last_seen_at, idle_expires_at, "
                          "absolute_expires_at) VALUES($1, $2, $3, $4, $5, $6)",
                          {Param::bytes(s.id_hash), s.user_id, s.created_at, s.last_seen_at, s.idle_expires_at,
                           s.absolute_expires_at}));
}

Result<std::optional<Session>> PgSessionStore::find_and_touch(const std::string& id_hash, int64_t now, int64_t idle_ttl) {
  auto r = pool_->exec("SELECT user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at FROM sessions "
                       "WHERE id_hash = $1",
                       {Param::bytes(id_hash)});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<Session>();
  Session s{id_hash, r->int64(0, 0), r->int64(0, 1), r->int64(0, 2), r->int64(0, 3), r->int64(0, 4)};
  if (now >= s.idle_expires_at || now >= s.absolute_expires_at) return std::optional<Session>();
  if (now - s.last_seen_at < kTouchInterval) return std::optional<Session>(s);
  s.last_seen_at = now;
  s.idle_expires_at = std::min(now + idle_ttl, s.absolute_expires_at);
  if (auto st = done(pool_->exec("UPDATE sessions SET last_seen_at = $1, idle_expires_at = $2 WHERE id_hash = $3",
                                 {s.last_seen_at, s.idle_expires_at, Param::bytes(id_hash)}));
      !st)
    return st.error();
  return std::optional<Session>(s);
}

Status PgSessionStore::remove(const std::string& id_hash) {
  return done(pool_->exec("DELETE FROM sessions WHERE id_hash = $1", {Param::bytes(id_hash)}));
}

Status PgSessionStore::remove_for_user(int64_t user_id) {
  return done(pool_->exec("DELETE FROM sessions WHERE user_id = $1", {user_id}));
}

}  // namespace shortstack::sessions
