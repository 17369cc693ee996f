#pragma once
// The AccountStore seam: users and API keys. Secrets arrive here already hashed.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace shortstack::accounts {

struct User {
  int64_t id = 0;
  std::string email;
  std::string password_hash;  // Argon2id encoded string
  std::string role = "user";
  bool suspended = false;
  int64_t created_at = 0;
};

struct ApiKey {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string prefix;  // the first characters of the key, shown in listings so users can tell keys apart
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
};

struct NewApiKey {
  int64_t user_id = 0;
  std::string name;
  std::string prefix;
  std::string key_hash;  // SHA-256 of the key
  int64_t now = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  // Error "email_taken" (409) when the email exists, compared case-insensitively.
  virtual Result<User> create_user(const std::string& email, const std::string& password_hash, int64_t now) = 0;
  virtual Result<std::optional<User>> find_user_by_email(const std::string& email) = 0;
  virtual Result<std::optional<User>> find_user(int64_t id) = 0;
  virtual Result<ApiKey> create_api_key(const NewApiKey& key) = 0;
  virtual Result<std::vector<ApiKey>> list_api_keys(int64_t user_id) = 0;
  // false when the key is not the user's or already revoked.
  virtual Result<bool> revoke_api_key(int64_t user_id, int64_t key_id, int64_t now) = 0;
  // false when there is no such user. A suspended user's sessions and keys stop working at once:
  // authentication reads the flag on every request.
  virtual Result<bool> set_suspended(int64_t user_id, bool suspended) = 0;
  // Grants or withdraws a role ("user" or "admin"); false when no user has this email.
  virtual Result<bool> set_role(const std::string& email, const std::string& role) = 0;
  // The unrevoked key with this hash, and its user.
  virtual Result<std::optional<std::pair<User, ApiKey>>> find_by_key_hash(const std::string& key_hash) = 0;
};

}  // namespace shortstack::accounts
