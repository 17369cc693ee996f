#include "accounts/account_store_contract.h"

namespace shortstack::accounts {
namespace {

// A test binary may hold no backend of this seam (itests before the distributed ones exist).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AccountStoreContract);

TEST_P(AccountStoreContract, CreatesAndFindsUsers) {
  auto u = store->create_user("Ann@Example.com", "hash-1", 100);
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_GT(u->id, 0);
  EXPECT_EQ(u->role, "user");
  auto by_id = store->find_user(u->id);
  ASSERT_TRUE(by_id && by_id->has_value());
  EXPECT_EQ((*by_id)->email, "Ann@Example.com");
  EXPECT_EQ((*by_id)->password_hash, "hash-1");
  EXPECT_FALSE((*by_id)->suspended);
  auto by_email = store->find_user_by_email("ann@example.COM");
  ASSERT_TRUE(by_email && by_email->has_value()) << "emails compare case-insensitively";
  EXPECT_EQ((*by_email)->id, u->id);
  EXPECT_FALSE(store->find_user_by_email("nobody@example.com")->has_value());
  EXPECT_FALSE(store->find_user(u->id + 1000)->has_value());
}

TEST_P(AccountStoreContract, SuspensionAndRolesAreStoredPerUser) {
  auto u = store->create_user("Mod@Example.com", "h", 1);
  auto other = store->create_user("other@example.com", "h", 1);
  ASSERT_TRUE(u && other);
  EXPECT_TRUE(*store->set_suspended(u->id, true));
  EXPECT_TRUE((*store->find_user(u->id))->suspended);
  EXPECT_FALSE((*store->find_user(other->id))->suspended);
  EXPECT_TRUE(*store->set_suspended(u->id, false));
  EXPECT_FALSE((*store->find_user(u->id))->suspended);
  EXPECT_FALSE(*store->set_suspended(other->id + 1000, true));
  EXPECT_TRUE(*store->set_role("mod@example.com", "admin")) << "emails compare case-insensitively";
  EXPECT_EQ((*store->find_user(u->id))->role, "admin");
  EXPECT_EQ((*store->find_user(other->id))->role, "user");
  EXPECT_FALSE(*store->set_role("nobody@example.com", "admin"));
}

TEST_P(AccountStoreContract, DuplicateEmailIsEmailTaken) {
  ASSERT_TRUE(store->create_user("dup@example.com", "h", 1));
  auto again = store->create_user("DUP@example.com", "h2", 2);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "email_taken");
  EXPECT_EQ(again.error().http_status, 409);
}

TEST_P(AccountStoreContract, ApiKeysAreFoundByHashUntilRevoked) {
  auto u = store->create_user("k@example.com", "h", 1);
  auto k = store->create_api_key({u->id, "ci", "ssk_abc", std::string(32, '\x01'), 10});
  ASSERT_TRUE(k) << k.error().message;
  auto found = store->find_by_key_hash(std::string(32, '\x01'));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->first.id, u->id);
  EXPECT_EQ((*found)->second.name, "ci");
  EXPECT_FALSE(store->find_by_key_hash(std::string(32, '\x02'))->has_value());

  auto keys = store->list_api_keys(u->id);
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].prefix, "ssk_abc");
  EXPECT_FALSE((*keys)[0].revoked_at);

  EXPECT_TRUE(*store->revoke_api_key(u->id, k->id, 20));
  EXPECT_FALSE(*store->revoke_api_key(u->id, k->id, 30)) << "revoking twice changes nothing";
  EXPECT_FALSE(store->find_by_key_hash(std::string(32, '\x01'))->has_value());
  EXPECT_EQ((*store->list_api_keys(u->id))[0].revoked_at, std::optional<int64_t>(20));
}

TEST_P(AccountStoreContract, UsersCannotRevokeEachOthersKeys) {
  auto a = store->create_user("a@example.com", "h", 1);
  auto b = store->create_user("b@example.com", "h", 1);
  auto k = store->create_api_key({a->id, "a-key", "ssk_a", std::string(32, 'a'), 10});
  EXPECT_FALSE(*store->revoke_api_key(b->id, k->id, 20));
  EXPECT_TRUE(store->find_by_key_hash(std::string(32, 'a'))->has_value());
  EXPECT_TRUE(store->list_api_keys(b->id)->empty());
}

TEST_P(AccountStoreContract, KeyHashesAreBinarySafe) {
  auto u = store->create_user("bin@example.com", "h", 1);
  std::string hash("\x00\xff\x00\x10", 4);
  hash.resize(32, '\0');
  ASSERT_TRUE(store->create_api_key({u->id, "bin", "ssk_b", hash, 10}));
  std::string other = hash;
  other[31] = '\x01';
  EXPECT_TRUE(store->find_by_key_hash(hash)->has_value());
  EXPECT_FALSE(store->find_by_key_hash(other)->has_value());
}

}  // namespace
}  // namespace shortstack::accounts
