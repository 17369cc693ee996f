#include "links/link_service.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "links/code.h"
#include "links/sqlite_link_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::links {
namespace {

class LinkServiceTest : public ::testing::Test {
 protected:
  LinkServiceTest() {
    store = std::make_shared<SqliteLinkStore>(testing::temp_sqlite_db());
    resolver = std::make_shared<LinkResolver>(store, ResolverOptions::with_l1(1000));
    service = std::make_unique<LinkService>(store, resolver, UrlPolicy{});
  }
  std::string render(const std::string& code) {
    std::string out;
    if (!resolver->render_cached(code, LinkResolver::Clock::now(), 1000, "", true, false, false, out)) {
      auto e = resolver->load(code);
      render_entry(*e, 1000, "", true, false, false, out);
    }
    return out;
  }
  std::shared_ptr<SqliteLinkStore> store;
  std::shared_ptr<LinkResolver> resolver;
  std::unique_ptr<LinkService> service;
};

TEST_F(LinkServiceTest, GeneratedCodesUseTheOwnersBucket) {
  auto l = service->create(7, {"https://example.com", {}, {}, 302, {}}, 100);
  ASSERT_TRUE(l);
  EXPECT_EQ(bucket_of(l->code), bucket_for_owner(7));
  EXPECT_EQ(l->url, "https://example.com/");
}

TEST_F(LinkServiceTest, RefusalsWriteNothing) {
  EXPECT_EQ(service->create(1, {"ftp://x.com", {}, {}, 302, {}}, 100).error().code, "invalid_url");
  EXPECT_EQ(service->create(1, {"https://x.com", "ab", {}, 302, {}}, 100).error().code, "invalid_alias");
  EXPECT_EQ(service->create(1, {"https://x.com", "Admin", {}, 302, {}}, 100).error().code, "invalid_alias");
  EXPECT_EQ(service->create(1, {"https://x.com", "has space", {}, 302, {}}, 100).error().code, "invalid_alias");
  EXPECT_EQ(service->create(1, {"https://x.com", {}, {}, 303, {}}, 100).error().code, "invalid_redirect");
  EXPECT_EQ(service->create(1, {"https://x.com", {}, 50, 302, {}}, 100).error().code, "invalid_expires_at");
  EXPECT_TRUE(store->list_by_owner(1, std::nullopt, 10)->links.empty());
}

TEST_F(LinkServiceTest, AliasConflictsAre409) {
  ASSERT_TRUE(service->create(1, {"https://x.com", "promo", {}, 302, {}}, 100));
  auto again = service->create(2, {"https://y.com", "promo", {}, 302, {}}, 100);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().http_status, 409);
  EXPECT_EQ(again.error().code, "alias_taken");
}

TEST_F(LinkServiceTest, OtherOwnersSeeNotFound) {
  auto l = service->create(1, {"https://x.com", "mine", {}, 302, {}}, 100);
  EXPECT_EQ(service->get(2, "mine").error().http_status, 404);
  EXPECT_EQ(service->update(2, "mine", LinkPatch{"https://evil.com", {}, {}, {}, {}, 101}).error().http_status, 404);
  EXPECT_EQ(service->remove(2, "mine", 101).error().http_status, 404);
  EXPECT_EQ(service->get(1, "mine")->url, "https://x.com/");
}

TEST_F(LinkServiceTest, ChangesShowOnTheNextRedirect) {
  ASSERT_TRUE(service->create(1, {"https://before.example", "flip", {}, 302, {}}, 100));
  EXPECT_NE(render("flip").find("Location: https://before.example/"), std::string::npos);
  EXPECT_NE(render("flip").find("Location: https://before.example/"), std::string::npos);  // now from L1
  ASSERT_TRUE(service->update(1, "flip", LinkPatch{"https://after.example", {}, 301, {}, {}, 101}));
  const std::string after = render("flip");
  EXPECT_EQ(after.rfind("HTTP/1.1 301", 0), 0u) << after;
  EXPECT_NE(after.find("Location: https://after.example/"), std::string::npos);
  ASSERT_TRUE(service->update(1, "flip", LinkPatch{{}, {}, {}, true, {}, 102}));
  EXPECT_EQ(render("flip").rfind("HTTP/1.1 410", 0), 0u);
  ASSERT_TRUE(service->remove(1, "flip", 103));
  EXPECT_EQ(render("flip").rfind("HTTP/1.1 410", 0), 0u);
}

TEST_F(LinkServiceTest, AChangeReachesOtherThreadsThatCachedTheOldAnswer) {
  ASSERT_TRUE(service->create(1, {"https://before.example", "hot", {}, 302, {}}, 100));
  std::promise<void> cached, changed;
  // One thread (an event loop) answers twice, so its per-thread copy is in use; after the link
  // changes on another thread, the same thread's next answer must show the change.
  std::thread loop([&] {
    EXPECT_NE(render("hot").find("before.example"), std::string::npos);
    EXPECT_NE(render("hot").find("before.example"), std::string::npos);
    cached.set_value();
    changed.get_future().wait();
    EXPECT_NE(render("hot").find("after.example"), std::string::npos);
  });
  cached.get_future().wait();
  ASSERT_TRUE(service->update(1, "hot", LinkPatch{"https://after.example", {}, {}, {}, {}, 101}));
  changed.set_value();
  loop.join();
}

TEST_F(LinkServiceTest, CreatingOverANegativeEntryRedirectsAtOnce) {
  EXPECT_EQ(render("later").rfind("HTTP/1.1 404", 0), 0u);  // cached as unknown
  ASSERT_TRUE(service->create(1, {"https://x.com", "later", {}, 302, {}}, 100));
  EXPECT_EQ(render("later").rfind("HTTP/1.1 302", 0), 0u);
}

TEST_F(LinkServiceTest, WarmingLoadsTheNewestLinksWithoutOverridingChanges) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(service->create(1, {"https://x.com/" + std::to_string(i), "w" + std::to_string(i) + "x", {}, 302, {}}, 100));
  ASSERT_TRUE(service->remove(1, "w0x", 101));
  auto added = resolver->warm(3);
  ASSERT_TRUE(added);
  EXPECT_EQ(*added, 3u) << "the three newest live links";
  std::string out;
  EXPECT_TRUE(resolver->render_cached("w4x", LinkResolver::Clock::now(), 1000, "", true, false, false, out));
  EXPECT_FALSE(resolver->render_cached("w1x", LinkResolver::Clock::now(), 1000, "", true, false, false, out));
  EXPECT_EQ(*resolver->warm(10), 1u) << "present entries are not reloaded; the deleted one is not loaded";
}

TEST_F(LinkServiceTest, ExpiredLinksAnswerGone) {
  ASSERT_TRUE(service->create(1, {"https://x.com", "soon", 1500, 302, {}}, 100));
  std::string out;
  render("soon");  // load into L1
  auto live = resolver->render_cached("soon", LinkResolver::Clock::now(), 1499, "", true, false, false, out);
  ASSERT_TRUE(live);
  EXPECT_EQ(out.rfind("HTTP/1.1 302", 0), 0u);
  EXPECT_NE(live->link_id, 0);
  out.clear();
  auto expired = resolver->render_cached("soon", LinkResolver::Clock::now(), 1500, "", true, false, false, out);
  ASSERT_TRUE(expired);
  EXPECT_EQ(out.rfind("HTTP/1.1 410", 0), 0u);
  EXPECT_EQ(expired->link_id, 0) << "an expired link counts no click";
}

}  // namespace
}  // namespace shortstack::links
