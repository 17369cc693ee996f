#include "sessions/sqlite_session_store.h"

#include <algorithm>

namespace shortstack::sessions {

using store::SqliteConn;

Status SqliteSessionStore::create(const Session& s) {
  return db_->write<Ok>([&](SqliteConn& c) -> Status {
    SHORTSTACK_PREPARE(ins, c,
                       "INSERT INTO sessions(id_hash, user_id, created_at, last_seen_at, idle_expires_at, "
                       "absolute_expires_at) VALUES(?, ?, ?, ?, ?, ?)");
    ins.bind_blob(1, s.id_hash).bind(2, s.user_id).bind(3, s.created_at).bind(4, s.last_seen_at);
    ins.bind(5, s.idle_expires_at).bind(6, s.absolute_expires_at);
    return ins.run();
  });
}

Result<std::optional<Session>> SqliteSessionStore::find_and_touch(const std::string& id_hash, int64_t now,
                                                                  int64_t idle_ttl) {
  auto found = db_->read([&](SqliteConn& c) -> Result<std::optional<Session>> {
    SHORTSTACK_PREPARE(q, c,
                       "SELECT user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at FROM sessions "
                       "WHERE id_hash = ?");
    q.bind_blob(1, id_hash);
    if (!q.step()) {
      if (q.failed()) return q.error();
      return std::optional<Session>();
    }
    return std::optional<Session>(Session{id_hash, q.int64(0), q.int64(1), q.int64(2), q.int64(3), q.int64(4)});
  });
  if (!found || !found->has_value()) return found;
  Session s = **found;
  if (now >= s.idle_expires_at || now >= s.absolute_expires_at) return std::optional<Session>();
  if (now - s.last_seen_at < kTouchInterval) return found;
  s.last_seen_at = now;
  s.idle_expires_at = std::min(now + idle_ttl, s.absolute_expires_at);
  auto touched = db_->write<Ok>([&](SqliteConn& c) -> Status {
    SHORTSTACK_PREPARE(u, c, "UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id_hash = ?");
    u.bind(1, s.last_seen_at).bind(2, s.idle_expires_at).bind_blob(3, id_hash);
    return u.run();
  });
  if (!touched) return touched.error();
  return std::optional<Session>(s);
}

Status SqliteSessionStore::remove(const std::string& id_hash) {
  return db_->write<Ok>([&](SqliteConn& c) -> Status {
    SHORTSTACK_PREPARE(d, c, "DELETE FROM sessions WHERE id_hash = ?");
    d.bind_blob(1, id_hash);
    return d.run();
  });
}

Status SqliteSessionStore::remove_for_user(int64_t user_id) {
  return db_->write<Ok>([&](SqliteConn& c) -> Status {
    SHORTSTACK_PREPARE(d, c, "DELETE FROM sessions WHERE user_id = ?");
    d.bind(1, user_id);
    return d.run();
  });
}

}  // namespace shortstack::sessions
