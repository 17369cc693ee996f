#pragma once
// The AccountStore on PostgreSQL (stage 2 and up). Emails are unique case-insensitively through
// the unique index on lower(email).
#include <memory>

#include "accounts/account_store.h"
#include "store/pg/pg_pool.h"

namespace shortstack::accounts {

class PgAccountStore final : public AccountStore {
 public:
  explicit PgAccountStore(std::shared_ptr<store::pg::PgPool> pool) : pool_(std::move(pool)) {}
  Result<User> create_user(const std::string& email, const std::string& password_hash, int64_t now) override;
  Result<std::optional<User>> find_user_by_email(const std::string& email) override;
  Result<std::optional<User>> find_user(int64_t id) override;
  Result<ApiKey> create_api_key(const NewApiKey& key) override;
  Result<std::vector<ApiKey>> list_api_keys(int64_t user_id) override;
  Result<bool> revoke_api_key(int64_t user_id, int64_t key_id, int64_t now) override;
  Result<std::optional<std::pair<User, ApiKey>>> find_by_key_hash(const std::string& key_hash) override;
  Result<bool> set_suspended(int64_t user_id, bool suspended) override;
  Result<bool> set_role(const std::string& email, const std::string& role) override;

 private:
  std::shared_ptr<store::pg::PgPool> pool_;
};

}  // namespace shortstack::accounts
