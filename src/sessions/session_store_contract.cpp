#include "sessions/session_store_contract.h"

namespace shortstack::sessions {
namespace {

// A test binary may hold no backend of this seam (itests before the distributed ones exist).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SessionStoreContract);

Session session(std::string hash, int64_t user, int64_t now, int64_t idle = 100, int64_t absolute = 1000) {
  return Session{std::move(hash), user, now, now, now + idle, now + absolute};
}

TEST_P(SessionStoreContract, FindsLiveSessions) {
  const int64_t user = backend.make_user();
  ASSERT_TRUE(backend.store->create(session("h1", user, 1000)));
  auto s = backend.store->find_and_touch("h1", 1010, 100);
  ASSERT_TRUE(s && s->has_value());
  EXPECT_EQ((*s)->user_id, user);
  EXPECT_FALSE(backend.store->find_and_touch("h2", 1010, 100)->has_value());
}

TEST_P(SessionStoreContract, IdleExpiryEndsASessionAndTouchExtendsIt) {
  const int64_t user = backend.make_user();
  ASSERT_TRUE(backend.store->create(session("idle", user, 1000)));
  // Touched after more than the touch interval: the idle expiry moves to now + 100.
  auto touched = backend.store->find_and_touch("idle", 1090, 100);
  ASSERT_TRUE(touched && touched->has_value());
  EXPECT_EQ((*touched)->idle_expires_at, 1190);
  EXPECT_TRUE(backend.store->find_and_touch("idle", 1150, 100)->has_value()) << "extended by the touch";
  EXPECT_FALSE(backend.store->find_and_touch("idle", 1400, 100)->has_value()) << "idle too long";
}

TEST_P(SessionStoreContract, AbsoluteExpiryCannotBeExtended) {
  const int64_t user = backend.make_user();
  ASSERT_TRUE(backend.store->create(session("abs", user, 1000, 100, 150)));
  auto t = backend.store->find_and_touch("abs", 1080, 100);
  ASSERT_TRUE(t && t->has_value());
  EXPECT_LE((*t)->idle_expires_at, 1150) << "idle expiry never passes the absolute one";
  EXPECT_FALSE(backend.store->find_and_touch("abs", 1151, 100)->has_value());
}

TEST_P(SessionStoreContract, RemoveAndRemoveForUser) {
  const int64_t a = backend.make_user();
  const int64_t b = backend.make_user();
  ASSERT_TRUE(backend.store->create(session("a1", a, 1000)));
  ASSERT_TRUE(backend.store->create(session("a2", a, 1000)));
  ASSERT_TRUE(backend.store->create(session("b1", b, 1000)));
  ASSERT_TRUE(backend.store->remove("a1"));
  EXPECT_FALSE(backend.store->find_and_touch("a1", 1001, 100)->has_value());
  EXPECT_TRUE(backend.store->find_and_touch("a2", 1001, 100)->has_value());
  ASSERT_TRUE(backend.store->remove_for_user(a));
  EXPECT_FALSE(backend.store->find_and_touch("a2", 1001, 100)->has_value());
  EXPECT_TRUE(backend.store->find_and_touch("b1", 1001, 100)->has_value()) << "other users keep their sessions";
}

}  // namespace
}  // namespace shortstack::sessions
