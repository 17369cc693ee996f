#include "accounts/auth_service.h"
#include "http/cookie.h"

#include <gtest/gtest.h>

#include "accounts/sqlite_account_store.h"
#include "core/crypto.h"
#include "sessions/sqlite_session_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::accounts {
namespace {

class AuthServiceTest : public ::testing::Test {
 protected:
  AuthServiceTest() {
    auto db = testing::temp_sqlite_db();
    accounts = std::make_shared<SqliteAccountStore>(db);
    sessions = std::make_shared<sessions::SqliteSessionStore>(db);
    AuthOptions o;
    o.argon2 = {1, 256, 1};  // cheap for tests; production parameters are tested in PasswordHash
    o.session_idle_ttl = 600;
    o.session_absolute_ttl = 3600;
    auth = std::make_unique<AuthService>(accounts, sessions, o);
  }
  std::string cookie(const std::string& token) { return "other=1; " + std::string(kSessionCookie) + "=" + token; }

  std::shared_ptr<SqliteAccountStore> accounts;
  std::shared_ptr<sessions::SqliteSessionStore> sessions;
  std::unique_ptr<AuthService> auth;
};

TEST_F(AuthServiceTest, SignupStoresAnArgon2idHashNeverThePassword) {
  auto s = auth->signup("a@example.com", "long enough pw", 100);
  ASSERT_TRUE(s) << s.error().message;
  auto u = *accounts->find_user(s->user.id);
  EXPECT_EQ((*u).password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ((*u).password_hash.find("long enough pw"), std::string::npos);
}

TEST_F(AuthServiceTest, SignupValidates) {
  EXPECT_EQ(auth->signup("not-an-email", "long enough pw", 1).error().code, "invalid_email");
  EXPECT_EQ(auth->signup("a@example.com", "short", 1).error().code, "weak_password");
  ASSERT_TRUE(auth->signup("a@example.com", "long enough pw", 1));
  EXPECT_EQ(auth->signup("A@EXAMPLE.com", "long enough pw", 1).error().code, "email_taken");
}

TEST_F(AuthServiceTest, LoginChecksThePasswordAndRotatesTheSession) {
  auto first = auth->signup("a@example.com", "long enough pw", 100);
  EXPECT_EQ(auth->login("a@example.com", "wrong password!", 100).error().http_status, 401);
  EXPECT_EQ(auth->login("nobody@example.com", "long enough pw", 100).error().http_status, 401);
  auto second = auth->login("a@example.com", "long enough pw", 100);
  ASSERT_TRUE(second);
  EXPECT_NE(second->session_token, first->session_token) << "a new id on every login";
}

TEST_F(AuthServiceTest, SessionsAreStoredHashedAndEndAtLogout) {
  auto s = auth->signup("a@example.com", "long enough pw", 100);
  auto who = auth->authenticate("", cookie(s->session_token), 110);
  ASSERT_TRUE(who && who->has_value());
  EXPECT_TRUE((*who)->via_session);
  EXPECT_EQ((*who)->user.id, s->user.id);
  // Only the hash is in the store.
  EXPECT_TRUE(sessions->find_and_touch(sha256(s->session_token), 110, 600)->has_value());
  EXPECT_FALSE(sessions->find_and_touch(s->session_token, 110, 600)->has_value());
  ASSERT_TRUE(auth->logout(s->session_token));
  EXPECT_EQ(auth->authenticate("", cookie(s->session_token), 120).error().http_status, 401);
}

TEST_F(AuthServiceTest, SessionsExpire) {
  auto s = auth->signup("a@example.com", "long enough pw", 100);
  EXPECT_EQ(auth->authenticate("", cookie(s->session_token), 100 + 601).error().http_status, 401);
}

TEST_F(AuthServiceTest, NoCredentialsIsAnonymousNotAnError) {
  auto who = auth->authenticate("", "unrelated=1", 1);
  ASSERT_TRUE(who);
  EXPECT_FALSE(who->has_value());
}

TEST_F(AuthServiceTest, ApiKeysAuthenticateUntilRevoked) {
  auto s = auth->signup("a@example.com", "long enough pw", 100);
  auto key = auth->create_key(s->user.id, "ci", 100);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->secret.rfind("ssk_", 0), 0u);
  EXPECT_EQ(key->secret.substr(0, key->key.prefix.size()), key->key.prefix);
  auto who = auth->authenticate("Bearer " + key->secret, "", 101);
  ASSERT_TRUE(who && who->has_value());
  EXPECT_FALSE((*who)->via_session);
  EXPECT_EQ(auth->authenticate("Bearer ssk_wrong", "", 101).error().http_status, 401);
  EXPECT_EQ(auth->authenticate("Basic abc", "", 101).error().http_status, 401);
  ASSERT_TRUE(*auth->revoke_key(s->user.id, key->key.id, 102));
  EXPECT_EQ(auth->authenticate("Bearer " + key->secret, "", 103).error().http_status, 401);
}

TEST_F(AuthServiceTest, CookieAttributes) {
  const std::string c = auth->session_cookie("tok");
  EXPECT_NE(c.find("HttpOnly"), std::string::npos);
  EXPECT_NE(c.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(c.find("Secure"), std::string::npos) << "plain HTTP by default; Secure comes with TLS or config";
  EXPECT_NE(auth->clear_session_cookie().find("Max-Age=0"), std::string::npos);
}

TEST(CookieValue, FindsTheNamedCookie) {
  EXPECT_EQ(http::cookie_value("a=1; ss_session=xyz; b=2", "ss_session"), "xyz");
  EXPECT_EQ(http::cookie_value("ss_session=xyz", "ss_session"), "xyz");
  EXPECT_EQ(http::cookie_value(" ss_session = xyz ;b=2", "ss_session"), "xyz");
  EXPECT_EQ(http::cookie_value("xss_session=1", "ss_session"), "");
  EXPECT_EQ(http::cookie_value("ss_session", "ss_session"), "");
  EXPECT_EQ(http::cookie_value("", "ss_session"), "");
}

TEST(PasswordHash, ProductionParametersVerify) {
  auto h = hash_password("correct horse battery");
  ASSERT_TRUE(h);
  EXPECT_NE(h->find("m=19456,t=2,p=1"), std::string::npos) << *h;
  EXPECT_TRUE(verify_password("correct horse battery", *h));
  EXPECT_FALSE(verify_password("correct horse batterx", *h));
  EXPECT_NE(*hash_password("correct horse battery"), *h) << "salted";
}

TEST(Csrf, TokenIsBoundToTheSession) {
  EXPECT_EQ(AuthService::csrf_token_for("s1"), AuthService::csrf_token_for("s1"));
  EXPECT_NE(AuthService::csrf_token_for("s1"), AuthService::csrf_token_for("s2"));
}

}  // namespace
}  // namespace shortstack::accounts
