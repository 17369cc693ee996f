#pragma once
// Sign-up, log-in, sessions, API keys, and working out who a request comes from.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accounts/account_store.h"
#include "accounts/password_hash.h"
#include "sessions/session_store.h"

namespace shortstack::accounts {

struct AuthOptions {
  int64_t session_idle_ttl = 7 * 86400;
  int64_t session_absolute_ttl = 30 * 86400;
  bool cookie_secure = false;
  Argon2Params argon2;
};

inline constexpr std::string_view kSessionCookie = "ss_session";
inline constexpr std::string_view kApiKeyPrefix = "ssk_";

struct Principal {
  User user;
  bool via_session = false;     // cookie-authenticated: mutations need the CSRF token
  std::string session_token;    // when via_session; never stored or logged
  int64_t api_key_id = 0;       // when authenticated by an API key: limits apply per key
  bool admin() const { return user.role == "admin"; }
};

struct LoggedIn {
  User user;
  std::string session_token;
};

struct IssuedKey {
  ApiKey key;
  std::string secret;  // shown to the user once, stored only as a hash
};

class AuthService {
 public:
  AuthService(std::shared_ptr<AccountStore> accounts, std::shared_ptr<sessions::SessionStore> sessions,
              AuthOptions options);

  Result<LoggedIn> signup(const std::string& email, const std::string& password, int64_t now);
  Result<LoggedIn> login(const std::string& email, const std::string& password, int64_t now);
  Status logout(std::string_view session_token);
  // nullopt: no credentials. An error: credentials that are wrong, revoked or expired (401).
  Result<std::optional<Principal>> authenticate(std::string_view authorization, std::string_view cookie_header,
                                                int64_t now);

  Result<IssuedKey> create_key(int64_t user_id, const std::string& name, int64_t now);
  Result<std::vector<ApiKey>> list_keys(int64_t user_id);
  Result<bool> revoke_key(int64_t user_id, int64_t key_id, int64_t now);
  // Suspending also ends the user's sessions; their keys fail from the next request (403), since
  // every authentication reads the flag. 404 when there is no such user.
  Status set_suspended(int64_t user_id, bool suspended);

  std::string session_cookie(std::string_view token) const;
  std::string clear_session_cookie() const;
  static std::string csrf_token_for(std::string_view session_token);

 private:
  Result<LoggedIn> open_session(User user, int64_t now);

  std::shared_ptr<AccountStore> accounts_;
  std::shared_ptr<sessions::SessionStore> sessions_;
  AuthOptions options_;
  std::string dummy_hash_;  // verified against when the email is unknown, so timing does not tell
};

// Validation shared by the API and tests.
std::optional<std::string> email_problem(std::string_view email);
// The value of cookie `name` in a Cookie header, or empty.

}  // namespace shortstack::accounts
