#include "accounts/auth_service.h"

#include "accounts/password_policy.h"
#include "core/ascii.h"
#include "core/crypto.h"
#include "http/cookie.h"

namespace shortstack::accounts {
namespace {

Error unauthorized(std::string message) { return make_error(401, "unauthorized", std::move(message)); }

}  // namespace

std::optional<std::string> email_problem(std::string_view email) {
  if (email.empty()) return "email is required";
  if (email.size() > 254) return "email is too long";
  const size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return "email must look like name@example.com";
  const std::string_view domain = email.substr(at + 1);
  if (at > 64 || domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.')
    return "email must look like name@example.com";
  for (char c : email)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',')
      return "email contains characters that are not allowed";
  return std::nullopt;
}


AuthService::AuthService(std::shared_ptr<AccountStore> accounts, std::shared_ptr<sessions::SessionStore> sessions,
                         AuthOptions options)
    : accounts_(std::move(accounts)), sessions_(std::move(sessions)), options_(options) {
  auto h = hash_password(new_secret_token(), options_.argon2);
  dummy_hash_ = h ? *h : std::string();
}

Result<LoggedIn> AuthService::open_session(User user, int64_t now) {
  std::string token = new_secret_token();
  sessions::Session s{sha256(token), user.id, now, now, now + options_.session_idle_ttl,
                      now + options_.session_absolute_ttl};
  if (auto st = sessions_->create(s); !st) return st.error();
  return LoggedIn{std::move(user), std::move(token)};
}

Result<LoggedIn> AuthService::signup(const std::string& email, const std::string& password, int64_t now) {
  if (auto p = email_problem(email)) return make_error(400, "invalid_email", *p);
  if (auto p = password_problem(password, email)) return make_error(400, "weak_password", *p);
  auto hash = hash_password(password, options_.argon2);
  if (!hash) return hash.error();
  auto user = accounts_->create_user(email, *hash, now);
  if (!user) return user.error();
  return open_session(std::move(*user), now);
}

Result<LoggedIn> AuthService::login(const std::string& email, const std::string& password, int64_t now) {
  auto found = accounts_->find_user_by_email(email);
  if (!found) return found.error();
  if (!found->has_value()) {
    verify_password(password, dummy_hash_);
    return unauthorized("email or password is wrong");
  }
  User user = **found;
  if (!verify_password(password, user.password_hash)) return unauthorized("email or password is wrong");
  if (user.suspended) return make_error(403, "suspended", "this account is suspended");
  // A new random id on every login: a session id planted before login is worthless after it.
  return open_session(std::move(user), now);
}

Status AuthService::logout(std::string_view token) { return sessions_->remove(sha256(token)); }

Result<std::optional<Principal>> AuthService::authenticate(std::string_view authorization,
                                                           std::string_view cookie_header, int64_t now) {
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.size() <= kBearer.size() || !std::equal(kBearer.begin(), kBearer.end(), authorization.begin()))
      return unauthorized("Authorization must be 'Bearer <api key>'");
    const std::string_view key = trim_space(authorization.substr(kBearer.size()));
    auto found = accounts_->find_by_key_hash(sha256(key));
    if (!found) return found.error();
    if (!found->has_value()) return unauthorized("API key is invalid or revoked");
    if ((*found)->first.suspended) return make_error(403, "suspended", "this account is suspended");
    return std::optional<Principal>(Principal{std::move((*found)->first), false, {}, (*found)->second.id});
  }
  const std::string_view token = http::cookie_value(cookie_header, kSessionCookie);
  if (token.empty()) return std::optional<Principal>();
  auto session = sessions_->find_and_touch(sha256(token), now, options_.session_idle_ttl);
  // Fail closed: a session that cannot be checked is no session (401), never a pass.
  if (!session) return unauthorized("sessions cannot be checked right now; try again shortly");
  if (!session->has_value()) return unauthorized("session expired; log in again");
  auto user = accounts_->find_user((*session)->user_id);
  if (!user) return user.error();
  if (!user->has_value()) return unauthorized("session expired; log in again");
  if ((*user)->suspended) return make_error(403, "suspended", "this account is suspended");
  return std::optional<Principal>(Principal{std::move(**user), true, std::string(token), 0});
}

Result<IssuedKey> AuthService::create_key(int64_t user_id, const std::string& name, int64_t now) {
  if (name.empty() || name.size() > 100) return make_error(400, "invalid_argument", "name must be 1 to 100 characters");
  std::string secret = std::string(kApiKeyPrefix) + new_secret_token();
  auto key = accounts_->create_api_key(NewApiKey{user_id, name, secret.substr(0, kApiKeyPrefix.size() + 6),
                                                 sha256(secret), now});
  if (!key) return key.error();
  return IssuedKey{std::move(*key), std::move(secret)};
}

Result<std::vector<ApiKey>> AuthService::list_keys(int64_t user_id) { return accounts_->list_api_keys(user_id); }

Result<bool> AuthService::revoke_key(int64_t user_id, int64_t key_id, int64_t now) {
  return accounts_->revoke_api_key(user_id, key_id, now);
}

Status AuthService::set_suspended(int64_t user_id, bool suspended) {
  auto changed = accounts_->set_suspended(user_id, suspended);
  if (!changed) return changed.error();
  if (!*changed) return make_error(404, "not_found", "no such user");
  if (suspended) return sessions_->remove_for_user(user_id);
  return ok_status();
}

std::string AuthService::session_cookie(std::string_view token) const {
  std::string c = std::string(kSessionCookie) + "=" + std::string(token) +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(options_.session_absolute_ttl);
  if (options_.cookie_secure) c += "; Secure";
  return c;
}

std::string AuthService::clear_session_cookie() const {
  std::string c = std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";
  if (options_.cookie_secure) c += "; Secure";
  return c;
}

std::string AuthService::csrf_token_for(std::string_view session_token) {
  // Derived, not stored: only someone holding the session cookie can compute it, which a cross-site
  // attacker cannot.
  return base64url(hmac_sha256(session_token, "shortstack-csrf-v1"));
}

}  // namespace shortstack::accounts
