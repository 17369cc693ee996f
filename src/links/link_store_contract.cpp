// The LinkStore contract: what every backend must do. Instantiated per backend.
#include "links/link_store_contract.h"

#include <atomic>
#include <set>
#include <thread>

namespace shortstack::links {
namespace {

// A test binary may hold no backend of this seam (itests before the distributed ones exist).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LinkStoreContract);

NewLink new_link(std::string code, int64_t owner = 1, int64_t now = 1000) {
  return NewLink{std::move(code), owner, 7, "https://example.com/" + std::to_string(now), 302, std::nullopt, now, {}};
}

TEST_P(LinkStoreContract, CreateThenFindReturnsEveryField) {
  NewLink n = new_link("abc1234");
  n.redirect = 308;
  n.expires_at = 5000;
  auto created = store->create(n);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_GT(created->id, 0);
  auto found = store->find_by_code("abc1234");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  const Link& l = **found;
  EXPECT_EQ(l.id, created->id);
  EXPECT_EQ(l.code, "abc1234");
  EXPECT_EQ(l.owner_id, 1);
  EXPECT_EQ(l.bucket, 7u);
  EXPECT_EQ(l.url, n.url);
  EXPECT_EQ(l.redirect, 308);
  EXPECT_EQ(l.created_at, 1000);
  EXPECT_EQ(l.expires_at, std::optional<int64_t>(5000));
  EXPECT_FALSE(l.disabled);
  EXPECT_FALSE(l.deleted);
}

TEST_P(LinkStoreContract, UnknownCodeIsEmptyNotAnError) {
  auto found = store->find_by_code("nothere");
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
}

TEST_P(LinkStoreContract, DuplicateCodeIsRefusedWithCodeTaken) {
  ASSERT_TRUE(store->create(new_link("dup0001")));
  auto again = store->create(new_link("dup0001", 2));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "code_taken");
  EXPECT_EQ(again.error().http_status, 409);
  EXPECT_EQ((*store->find_by_code("dup0001"))->owner_id, 1) << "the first link must be untouched";
}

TEST_P(LinkStoreContract, CodesAreCaseSensitive) {
  ASSERT_TRUE(store->create(new_link("CaseA01")));
  ASSERT_TRUE(store->create(new_link("casea01")));
  EXPECT_NE((*store->find_by_code("CaseA01"))->id, (*store->find_by_code("casea01"))->id);
}

TEST_P(LinkStoreContract, ListIsNewestFirstPagedAndOwnerOnly) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->create(new_link("own" + std::to_string(i) + "aaa", 1, 1000 + i)));
  ASSERT_TRUE(store->create(new_link("other01", 2)));
  auto p1 = store->list_by_owner(1, std::nullopt, 2);
  ASSERT_TRUE(p1);
  ASSERT_EQ(p1->links.size(), 2u);
  EXPECT_EQ(p1->links[0].code, "own4aaa");
  EXPECT_EQ(p1->links[1].code, "own3aaa");
  ASSERT_TRUE(p1->next_before_id);
  auto p2 = store->list_by_owner(1, p1->next_before_id, 2);
  ASSERT_EQ(p2->links.size(), 2u);
  EXPECT_EQ(p2->links[0].code, "own2aaa");
  auto p3 = store->list_by_owner(1, p2->next_before_id, 2);
  ASSERT_EQ(p3->links.size(), 1u);
  EXPECT_EQ(p3->links[0].code, "own0aaa");
  EXPECT_FALSE(p3->next_before_id) << "the last page has no cursor";
  auto others = store->list_by_owner(2, std::nullopt, 10);
  ASSERT_EQ(others->links.size(), 1u);
  EXPECT_EQ(others->links[0].code, "other01");
}

TEST_P(LinkStoreContract, UpdateChangesOnlyGivenFields) {
  NewLink n = new_link("upd0001");
  n.expires_at = 9000;
  ASSERT_TRUE(store->create(n));
  LinkPatch p;
  p.disabled = true;
  p.now = 2000;
  auto u = store->update("upd0001", 1, p);
  ASSERT_TRUE(u);
  ASSERT_TRUE(u->has_value());
  EXPECT_TRUE((*u)->disabled);
  EXPECT_EQ((*u)->url, n.url);
  EXPECT_EQ((*u)->expires_at, std::optional<int64_t>(9000));
  EXPECT_EQ((*u)->updated_at, 2000);

  LinkPatch p2;
  p2.url = "https://changed.example/";
  p2.redirect = 307;
  p2.expires_at = std::optional<int64_t>();  // clear
  p2.now = 3000;
  auto u2 = store->update("upd0001", 1, p2);
  ASSERT_TRUE(u2 && u2->has_value());
  EXPECT_EQ((*u2)->url, "https://changed.example/");
  EXPECT_EQ((*u2)->redirect, 307);
  EXPECT_FALSE((*u2)->expires_at);
  EXPECT_TRUE((*u2)->disabled) << "disabled was not in the patch and must stay";
}

TEST_P(LinkStoreContract, UpdateAndRemoveRefuseOtherOwners) {
  ASSERT_TRUE(store->create(new_link("mine001", 1)));
  LinkPatch p;
  p.url = "https://evil.example/";
  auto u = store->update("mine001", 2, p);
  ASSERT_TRUE(u);
  EXPECT_FALSE(u->has_value());
  auto r = store->remove("mine001", 2, 5000);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  EXPECT_EQ((*store->find_by_code("mine001"))->url, new_link("x").url);
}

TEST_P(LinkStoreContract, RemovedLinkKeepsItsCodeForever) {
  ASSERT_TRUE(store->create(new_link("gone001")));
  auto r = store->remove("gone001", 1, 5000);
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  auto found = store->find_by_code("gone001");
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE((*found)->deleted);
  EXPECT_TRUE(store->list_by_owner(1, std::nullopt, 10)->links.empty());
  EXPECT_FALSE(store->create(new_link("gone001", 3))) << "a deleted code must never be handed out again";
  EXPECT_FALSE(*store->remove("gone001", 1, 6000)) << "removing twice reports nothing removed";
  LinkPatch p;
  p.disabled = false;
  EXPECT_FALSE(store->update("gone001", 1, p)->has_value()) << "a deleted link cannot be revived by PATCH";
}

TEST_P(LinkStoreContract, APasswordHashIsStoredAndReadBack) {
  NewLink n = new_link("pwd0001");
  n.password_hash = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA";
  ASSERT_TRUE(store->create(n));
  EXPECT_EQ((*store->find_by_code("pwd0001"))->password_hash, n.password_hash);
  ASSERT_TRUE(store->create(new_link("pwd0002")));
  EXPECT_EQ((*store->find_by_code("pwd0002"))->password_hash, "") << "no password: empty";
}

TEST_P(LinkStoreContract, APatchSetsOrClearsThePasswordAndLeavesItOtherwise) {
  ASSERT_TRUE(store->create(new_link("pw2")));
  LinkPatch set;
  set.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
  set.now = 2000;
  EXPECT_EQ((*store->update("pw2", 1, set))->password_hash, *set.password_hash);
  LinkPatch other;
  other.redirect = 307;
  EXPECT_EQ((*store->update("pw2", 1, other))->password_hash, *set.password_hash) << "untouched when not in the patch";
  LinkPatch clear;
  clear.password_hash = "";
  EXPECT_TRUE((*store->update("pw2", 1, clear))->password_hash.empty());
}

TEST_P(LinkStoreContract, ModerationAppliesToAnyOwnersLiveLinkAndSurvivesOwnerPatches) {
  ASSERT_TRUE(store->create(new_link("mod1", 5)));
  auto q = store->moderate("mod1", kQuarantined, 3000);
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_TRUE(q->has_value());
  EXPECT_EQ((*q)->moderation, kQuarantined);
  LinkPatch owner;
  owner.disabled = false;
  owner.url = "https://example.com/new";
  EXPECT_EQ((*store->update("mod1", 5, owner))->moderation, kQuarantined) << "an owner's patch cannot lift it";
  EXPECT_EQ((**store->find_by_code("mod1")).moderation, kQuarantined);
  EXPECT_TRUE(store->moderate("mod1", "", 3001)->has_value());
  EXPECT_TRUE((**store->find_by_code("mod1")).moderation.empty());
  EXPECT_FALSE(store->moderate("nope", kModeratedOff, 3002)->has_value());
  ASSERT_TRUE(store->remove("mod1", 5, 3003));
  EXPECT_FALSE(store->moderate("mod1", kModeratedOff, 3004)->has_value()) << "deleted links are not moderated";
}

TEST_P(LinkStoreContract, FindByIdsReturnsThoseLinksInTheOrderAsked) {
  auto a = store->create(new_link("ids0001"));
  auto b = store->create(new_link("ids0002"));
  ASSERT_TRUE(store->remove("ids0002", 1, 2000));
  auto found = store->find_by_ids({b->id, 999'999, a->id});
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].code, "ids0002");
  EXPECT_TRUE((*found)[0].deleted);
  EXPECT_EQ((*found)[1].code, "ids0001");
  EXPECT_TRUE(store->find_by_ids({})->empty());
}

TEST_P(LinkStoreContract, ConcurrentCreatesAreAllDurableAndDistinct) {
  constexpr int kThreads = 8, kEach = 20;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        if (!store->create(new_link("c" + std::to_string(t) + "x" + std::to_string(i), 9))) failures++;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto page = store->list_by_owner(9, std::nullopt, 1000);
  ASSERT_TRUE(page);
  std::set<int64_t> ids;
  for (const auto& l : page->links) ids.insert(l.id);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kEach));
}

TEST_P(LinkStoreContract, ScanRecentVisitsLiveLinksNewestFirst) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->create(new_link("scan" + std::to_string(i) + "xx", 1, 100 + i)));
  ASSERT_TRUE(*store->remove("scan3xx", 1, 200));
  std::vector<std::string> seen;
  ASSERT_TRUE(store->scan_recent(2, [&](const Link& l) { seen.push_back(l.code); }));
  EXPECT_EQ(seen, (std::vector<std::string>{"scan2xx", "scan1xx"}));
}

TEST_P(LinkStoreContract, StoresUrlsByteForByte) {
  NewLink n = new_link("bytes01");
  n.url = "https://xn--exmple-cua.com/%E2%82%AC?q=%20&x=%22#frag";
  ASSERT_TRUE(store->create(n));
  EXPECT_EQ((*store->find_by_code("bytes01"))->url, n.url);
}

}  // namespace
}  // namespace shortstack::links
