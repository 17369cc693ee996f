#include "accounts/sqlite_account_store.h"

namespace shortstack::accounts {
namespace {

using store::SqliteConn;
using store::Stmt;

#define SELECT_USERS "SELECT id, email, password_hash, role, suspended, created_at FROM users "
#define KEY_COLUMNS "k.id, k.user_id, k.name, k.prefix, k.created_at, k.revoked_at"

User read_user(const Stmt& s, int at = 0) {
  User u;
  u.id = s.int64(at);
  u.email = s.text(at + 1);
  u.password_hash = s.text(at + 2);
  u.role = s.text(at + 3);
  u.suspended = s.int64(at + 4) != 0;
  u.created_at = s.int64(at + 5);
  return u;
}

ApiKey read_key(const Stmt& s, int at = 0) {
  ApiKey k;
  k.id = s.int64(at);
  k.user_id = s.int64(at + 1);
  k.name = s.text(at + 2);
  k.prefix = s.text(at + 3);
  k.created_at = s.int64(at + 4);
  k.revoked_at = s.optional_int64(at + 5);
  return k;
}

template <class Bind>
Result<std::optional<User>> one_user(SqliteConn& c, std::string_view sql, Bind bind) {
  auto prepared = c.prepare(sql);
  if (!prepared) return prepared.error();
  Stmt q(*prepared, c);
  bind(q);
  if (q.step()) return std::optional<User>(read_user(q));
  if (q.failed()) return q.error();
  return std::optional<User>();
}

}  // namespace

Result<User> SqliteAccountStore::create_user(const std::string& email, const std::string& hash, int64_t now) {
  return db_->write<User>([&](SqliteConn& c) -> Result<User> {
    SHORTSTACK_PREPARE(ins, c, "INSERT INTO users(email, password_hash, created_at) VALUES(?, ?, ?)");
    ins.bind(1, email).bind(2, hash).bind(3, now);
    if (auto st = ins.run(); !st) {
      if (ins.unique_violation()) return make_error(409, "email_taken", "an account with this email already exists");
      return st.error();
    }
    User u;
    u.id = sqlite3_last_insert_rowid(c.raw());
    u.email = email;
    u.password_hash = hash;
    u.created_at = now;
    return u;
  });
}

Result<std::optional<User>> SqliteAccountStore::find_user_by_email(const std::string& email) {
  return db_->read([&](SqliteConn& c) {
    return one_user(c, SELECT_USERS "WHERE email = ?", [&](Stmt& q) { q.bind(1, email); });
  });
}

Result<std::optional<User>> SqliteAccountStore::find_user(int64_t id) {
  return db_->read([&](SqliteConn& c) {
    return one_user(c, SELECT_USERS "WHERE id = ?", [&](Stmt& q) { q.bind(1, id); });
  });
}

Result<ApiKey> SqliteAccountStore::create_api_key(const NewApiKey& n) {
  return db_->write<ApiKey>([&](SqliteConn& c) -> Result<ApiKey> {
    SHORTSTACK_PREPARE(ins, c, "INSERT INTO api_keys(user_id, name, prefix, key_hash, created_at) VALUES(?, ?, ?, ?, ?)");
    ins.bind(1, n.user_id).bind(2, n.name).bind(3, n.prefix).bind_blob(4, n.key_hash).bind(5, n.now);
    if (auto st = ins.run(); !st) return st.error();
    return ApiKey{sqlite3_last_insert_rowid(c.raw()), n.user_id, n.name, n.prefix, n.now, std::nullopt};
  });
}

Result<std::vector<ApiKey>> SqliteAccountStore::list_api_keys(int64_t user_id) {
  return db_->read([&](SqliteConn& c) -> Result<std::vector<ApiKey>> {
    SHORTSTACK_PREPARE(q, c, "SELECT " KEY_COLUMNS " FROM api_keys k WHERE k.user_id = ? ORDER BY k.id");
    q.bind(1, user_id);
    std::vector<ApiKey> keys;
    while (q.step()) keys.push_back(read_key(q));
    if (q.failed()) return q.error();
    return keys;
  });
}

Result<bool> SqliteAccountStore::revoke_api_key(int64_t user_id, int64_t key_id, int64_t now) {
  return db_->write<bool>([&](SqliteConn& c) -> Result<bool> {
    SHORTSTACK_PREPARE(u, c, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL");
    u.bind(1, now).bind(2, key_id).bind(3, user_id);
    if (auto st = u.run(); !st) return st.error();
    return sqlite3_changes(c.raw()) > 0;
  });
}

Result<std::optional<std::pair<User, ApiKey>>> SqliteAccountStore::find_by_key_hash(const std::string& key_hash) {
  using Found = std::optional<std::pair<User, ApiKey>>;
  return db_->read([&](SqliteConn& c) -> Result<Found> {
    SHORTSTACK_PREPARE(q, c,
                       "SELECT u.id, u.email, u.password_hash, u.role, u.suspended, u.created_at, " KEY_COLUMNS
                       " FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ? AND k.revoked_at IS NULL");
    q.bind_blob(1, key_hash);
    if (q.step()) return Found(std::make_pair(read_user(q, 0), read_key(q, 6)));
    if (q.failed()) return q.error();
    return Found();
  });
}

Result<bool> SqliteAccountStore::set_suspended(int64_t user_id, bool suspended) {
  return db_->write<bool>([&](SqliteConn& c) -> Result<bool> {
    SHORTSTACK_PREPARE(u, c, "UPDATE users SET suspended = ? WHERE id = ?");
    u.bind(1, int64_t{suspended}).bind(2, user_id);
    if (auto st = u.run(); !st) return st.error();
    return sqlite3_changes(c.raw()) > 0;
  });
}

Result<bool> SqliteAccountStore::set_role(const std::string& email, const std::string& role) {
  return db_->write<bool>([&](SqliteConn& c) -> Result<bool> {
    SHORTSTACK_PREPARE(u, c, "UPDATE users SET role = ? WHERE email = ?");
    u.bind(1, role).bind(2, email);
    if (auto st = u.run(); !st) return st.error();
    return sqlite3_changes(c.raw()) > 0;
  });
}

}  // namespace shortstack::accounts
