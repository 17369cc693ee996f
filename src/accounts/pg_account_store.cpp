#include "accounts/pg_account_store.h"

namespace shortstack::accounts {
namespace {

using store::pg::Param;
using store::pg::PgResult;

#define USER_COLUMNS "u.id, u.email, u.password_hash, u.role, u.suspended, u.created_at"
#define KEY_COLUMNS "k.id, k.user_id, k.name, k.prefix, k.created_at, k.revoked_at"

User read_user(const PgResult& r, int row, int at = 0) {
  return User{r.int64(row, at), r.text(row, at + 1), r.text(row, at + 2), r.text(row, at + 3), r.boolean(row, at + 4),
              r.int64(row, at + 5)};
}

ApiKey read_key(const PgResult& r, int row, int at = 0) {
  return ApiKey{r.int64(row, at), r.int64(row, at + 1), r.text(row, at + 2), r.text(row, at + 3), r.int64(row, at + 4),
                r.optional_int64(row, at + 5)};
}

Result<std::optional<User>> first_user(Result<PgResult> r) {
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<User>();
  return std::optional<User>(read_user(*r, 0));
}

Result<bool> changed(Result<PgResult> r) {
  if (!r) return r.error();
  return r->affected() > 0;
}

}  // namespace

Result<User> PgAccountStore::create_user(const std::string& email, const std::string& hash, int64_t now) {
  auto r = pool_->exec("INSERT INTO users AS u (email, password_hash, created_at) VALUES($1, $2, $3) RETURNING " USER_COLUMNS,
                       {email, hash, now});
  if (!r) {
    if (r.error().code == "unique_violation") return make_error(409, "email_taken", "an account with this email already exists");
    return r.error();
  }
  return read_user(*r, 0);
}

Result<std::optional<User>> PgAccountStore::find_user_by_email(const std::string& email) {
  return first_user(pool_->exec("SELECT " USER_COLUMNS " FROM users u WHERE lower(u.email) = lower($1)", {email}));
}

Result<std::optional<User>> PgAccountStore::find_user(int64_t id) {
  return first_user(pool_->exec("SELECT " USER_COLUMNS " FROM users u WHERE u.id = $1", {id}));
}

Result<ApiKey> PgAccountStore::create_api_key(const NewApiKey& n) {
  auto r = pool_->exec("INSERT INTO api_keys AS k (user_id, name, prefix, key_hash, created_at) VALUES($1, $2, $3, $4, $5) "
                       "RETURNING " KEY_COLUMNS,
                       {n.user_id, n.name, n.prefix, Param::bytes(n.key_hash), n.now});
  if (!r) return r.error();
  return read_key(*r, 0);
}

Result<std::vector<ApiKey>> PgAccountStore::list_api_keys(int64_t user_id) {
  auto r = pool_->exec("SELECT " KEY_COLUMNS " FROM api_keys k WHERE k.user_id = $1 ORDER BY k.id", {user_id});
  if (!r) return r.error();
  std::vector<ApiKey> keys;
  for (int i = 0; i < r->rows(); ++i) keys.push_back(read_key(*r, i));
  return keys;
}

Result<bool> PgAccountStore::revoke_api_key(int64_t user_id, int64_t key_id, int64_t now) {
  return changed(pool_->exec("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                             {now, key_id, user_id}));
}

Result<std::optional<std::pair<User, ApiKey>>> PgAccountStore::find_by_key_hash(const std::string& key_hash) {
  using Found = std::optional<std::pair<User, ApiKey>>;
  auto r = pool_->exec("SELECT " USER_COLUMNS ", " KEY_COLUMNS " FROM api_keys k JOIN users u ON u.id = k.user_id "
                       "WHERE k.key_hash = $1 AND k.revoked_at IS NULL",
                       {Param::bytes(key_hash)});
  if (!r) return r.error();
  if (r->rows() == 0) return Found();
  return Found(std::make_pair(read_user(*r, 0), read_key(*r, 0, 6)));
}

Result<bool> PgAccountStore::set_suspended(int64_t user_id, bool suspended) {
  return changed(pool_->exec("UPDATE users SET suspended = $1 WHERE id = $2", {suspended, user_id}));
}

Result<bool> PgAccountStore::set_role(const std::string& email, const std::string& role) {
  return changed(pool_->exec("UPDATE users SET role = $1 WHERE lower(email) = lower($2)", {role, email}));
}

}  // namespace shortstack::accounts
