// The SessionStore contract against a real Redis (the one `make test` starts).
#include "core/crypto.h"
#include "sessions/redis_session_store.h"
#include "sessions/session_store_contract.h"
#include "testing/redis_temp.h"

namespace shortstack::sessions {
namespace {

SessionBackend make_redis() {
  auto users = std::make_shared<int64_t>(0);
  return {std::make_shared<RedisSessionStore>(testing::test_redis_pool(), testing::unique_redis_prefix()),
          [users] { return ++*users; }};
}

INSTANTIATE_TEST_SUITE_P(Distributed, SessionStoreContract, ::testing::Values(SessionStoreFactory{"redis", make_redis}),
                         [](const auto& info) { return info.param.name; });

TEST(RedisSessionStore, KeysNameTheHashedIdOnlyAndExpireWithTheSession) {
  auto pool = testing::test_redis_pool();
  const std::string prefix = testing::unique_redis_prefix();
  RedisSessionStore store(pool, prefix);
  const std::string id_hash(32, '\x01');
  ASSERT_TRUE(store.create({id_hash, 7, 100, 100, 200, 1000}));
  auto keys = pool->command({"KEYS", prefix + "*"});
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  for (size_t i = 0; i < keys->size(); ++i)
    EXPECT_EQ(std::string_view(keys->at(i)->str, keys->at(i)->len).find(id_hash), std::string_view::npos);
  auto ttl = pool->command({"TTL", prefix + "s:" + hex(id_hash)});
  ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer(), 0) << "a session key never outlives the session's absolute lifetime";
  EXPECT_LE(ttl->integer(), 900);
}

}  // namespace
}  // namespace shortstack::sessions
