// The resolver's shared (L2) cache rules, with two resolvers standing in for two instances that share
// a store and an L2. The in-process cache backs the L2 here; the same rules run against Redis in
// src/app/shared_tier_itest.cpp.
#include "links/link_resolver.h"

#include <gtest/gtest.h>

#include "cache/memory_cache.h"
#include "links/redirect_entry_codec.h"
#include "links/sqlite_link_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::links {
namespace {

// An L2 that can be switched off, as Redis can go away.
class SwitchableCache final : public cache::Cache {
 public:
  bool down = false;
  Result<std::optional<cache::CacheValue>> get(std::string_view key) override {
    if (down) return unavailable();
    return inner_.get(key);
  }
  Status put(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) override {
    if (down) return unavailable();
    return inner_.put(key, value, ttl);
  }
  Status put_negative(std::string_view key, std::chrono::milliseconds ttl) override {
    if (down) return unavailable();
    return inner_.put_negative(key, ttl);
  }
  Result<bool> add(std::string_view key, const cache::CacheValue& value, std::chrono::milliseconds ttl) override {
    if (down) return unavailable();
    return inner_.add(key, value, ttl);
  }
  Result<bool> replace(std::string_view key, std::string_view expected, const cache::CacheValue& value,
                       std::chrono::milliseconds ttl) override {
    if (down) return unavailable();
    return inner_.replace(key, expected, value, ttl);
  }
  Status erase(std::string_view key) override {
    if (down) return unavailable();
    return inner_.erase(key);
  }

 private:
  static Error unavailable() { return make_error(503, "redis_unavailable", "switched off"); }
  cache::MemoryCache inner_{1000};
};

// Runs a hook in the middle of the next store read: what another instance does while this one reads.
class MidReadStore final : public LinkStore {
 public:
  explicit MidReadStore(std::shared_ptr<LinkStore> inner) : inner_(std::move(inner)) {}
  std::function<void()> during_next_read;
  int strict_reads = 0;   // find_by_code: the primary, with replicas
  int relaxed_reads = 0;  // find_by_code_relaxed: a replica may answer
  Result<std::optional<Link>> find_by_code(std::string_view code) override {
    ++strict_reads;
    return read(code);
  }
  Result<std::optional<Link>> find_by_code_relaxed(std::string_view code) override {
    ++relaxed_reads;
    return read(code);
  }
  Result<std::optional<Link>> read(std::string_view code) {
    auto found = inner_->find_by_code(code);
    if (auto hook = std::exchange(during_next_read, nullptr)) hook();
    return found;
  }
  Result<Link> create(const NewLink& l) override { return inner_->create(l); }
  Result<LinkPage> list_by_owner(int64_t o, std::optional<int64_t> b, size_t n) override { return inner_->list_by_owner(o, b, n); }
  Status scan_recent(size_t n, const std::function<void(const Link&)>& v) override { return inner_->scan_recent(n, v); }
  Result<std::optional<Link>> update(std::string_view c, int64_t o, const LinkPatch& p) override { return inner_->update(c, o, p); }
  Result<bool> remove(std::string_view c, int64_t o, int64_t now) override { return inner_->remove(c, o, now); }
  Result<std::optional<Link>> moderate(std::string_view c, std::string_view m, int64_t now) override {
    return inner_->moderate(c, m, now);
  }
  Result<std::vector<Link>> find_by_ids(const std::vector<int64_t>& ids) override { return inner_->find_by_ids(ids); }

 private:
  std::shared_ptr<LinkStore> inner_;
};

bool holds_tombstone(cache::Cache& l2, std::string_view key) {
  auto v = l2.get(key);
  return v && v->has_value() && !(*v)->negative && !(*v)->value.empty() && (*v)->value[0] == 'T';
}

class SharedL2 : public ::testing::Test {
 protected:
  SharedL2() {
    store = std::make_shared<MidReadStore>(std::make_shared<SqliteLinkStore>(testing::temp_sqlite_db()));
    l2 = std::make_shared<SwitchableCache>();
    a = make_instance();
    b = make_instance();
  }
  std::unique_ptr<LinkResolver> make_instance() {
    ResolverOptions o = ResolverOptions::with_l1(1000);
    o.l2 = l2;
    return std::make_unique<LinkResolver>(store, o);
  }
  Link create(const std::string& code, const std::string& url) {
    NewLink n;
    n.code = code;
    n.owner_id = 1;
    n.url = url;
    n.now = 100;
    return *store->create(n);
  }
  // Changes the row behind the resolvers' backs: only a cache can still answer with the old URL.
  void change_url_in_store(const std::string& code, const std::string& url) {
    LinkPatch p;
    p.url = url;
    p.now = 200;
    ASSERT_TRUE(store->update(code, 1, p));
  }
  std::shared_ptr<MidReadStore> store;
  std::shared_ptr<SwitchableCache> l2;
  std::unique_ptr<LinkResolver> a, b;
};

TEST_F(SharedL2, AnEntryOneInstanceLoadedServesTheOthers) {
  create("shared1", "https://old.example/");
  ASSERT_EQ(a->load("shared1")->url, "https://old.example/");
  change_url_in_store("shared1", "https://new.example/");
  EXPECT_EQ(b->load("shared1")->url, "https://old.example/") << "b must have read a's L2 entry, not the store";
}

TEST_F(SharedL2, UnknownCodesAreCachedNegativeInL2) {
  EXPECT_EQ(a->load("nosuch1")->kind, RedirectEntry::Kind::Missing);
  auto cached = l2->get("nosuch1");
  ASSERT_TRUE(cached && cached->has_value());
  EXPECT_TRUE((*cached)->negative);
  create("nosuch1", "https://created.example/");
  EXPECT_EQ(b->load("nosuch1")->kind, RedirectEntry::Kind::Missing) << "served from L2 until invalidated";
  b->invalidate("nosuch1");
  EXPECT_EQ(make_instance()->load("nosuch1")->url, "https://created.example/");
}

TEST_F(SharedL2, AChangeLeavesATombstoneThatTheNextReaderReplacesWithTheNewLink) {
  create("tomb123", "https://old.example/");
  ASSERT_TRUE(a->load("tomb123"));
  change_url_in_store("tomb123", "https://new.example/");
  a->invalidate("tomb123");
  EXPECT_TRUE(holds_tombstone(*l2, "tomb123"));
  // b saw the tombstone before reading the store, so what it read is current: it may fill.
  EXPECT_EQ(b->load("tomb123")->url, "https://new.example/");
  EXPECT_FALSE(holds_tombstone(*l2, "tomb123"));
  EXPECT_EQ(make_instance()->load("tomb123")->url, "https://new.example/");
}

// A replica may lag; a change's tombstone outlives that lag, so only a clean L2 miss may read one.
TEST_F(SharedL2, OnlyACleanL2MissMayBeAnsweredByAReplica) {
  create("relax01", "https://old.example/");
  ASSERT_TRUE(a->load("relax01"));
  EXPECT_EQ(store->relaxed_reads, 1);
  EXPECT_EQ(store->strict_reads, 0);
  change_url_in_store("relax01", "https://new.example/");
  a->invalidate("relax01");
  EXPECT_EQ(b->load("relax01")->url, "https://new.example/");
  EXPECT_EQ(store->strict_reads, 1) << "behind a tombstone, the primary answers";
  l2->down = true;
  a->invalidate_local("relax01");
  ASSERT_TRUE(a->load("relax01"));
  EXPECT_EQ(store->strict_reads, 2) << "with L2 away nothing says whether a change is recent";
  EXPECT_EQ(store->relaxed_reads, 1);
}

TEST_F(SharedL2, AReadThatBeganBeforeAChangeCannotPutTheOldLinkBack) {
  create("race123", "https://old.example/");
  // b reads the store (old URL); meanwhile a commits a change and leaves its tombstone.
  store->during_next_read = [&] {
    change_url_in_store("race123", "https://new.example/");
    a->invalidate("race123");
  };
  EXPECT_EQ(b->load("race123")->url, "https://old.example/") << "b's own answer was read before the change";
  EXPECT_TRUE(holds_tombstone(*l2, "race123")) << "but its fill must not replace the change's tombstone";
  EXPECT_EQ(make_instance()->load("race123")->url, "https://new.example/");
}

TEST_F(SharedL2, AReadThatSawOneTombstoneCannotOverwriteALaterChange) {
  create("race456", "https://v1.example/");
  a->invalidate("race456");  // tombstone 1, which b will see
  store->during_next_read = [&] {
    change_url_in_store("race456", "https://v2.example/");
    a->invalidate("race456");  // tombstone 2, after b's store read
  };
  EXPECT_EQ(b->load("race456")->url, "https://v1.example/");
  EXPECT_TRUE(holds_tombstone(*l2, "race456"));
  EXPECT_EQ(make_instance()->load("race456")->url, "https://v2.example/");
}

TEST_F(SharedL2, EntriesThisVersionCannotReadAreReplaced) {
  create("fmt1234", "https://example.com/");
  ASSERT_TRUE(l2->put("fmt1234", "\x02" "from a future version", std::chrono::seconds(60)));
  EXPECT_EQ(a->load("fmt1234")->url, "https://example.com/");
  auto now_held = l2->get("fmt1234");
  ASSERT_TRUE(now_held && now_held->has_value());
  ASSERT_TRUE(decode_entry((*now_held)->value)) << "the unreadable entry was replaced by a current one";
  EXPECT_EQ(decode_entry((*now_held)->value)->url, "https://example.com/");
}

TEST_F(SharedL2, RedirectsKeepWorkingWhileL2IsDown) {
  create("down123", "https://example.com/");
  l2->down = true;
  auto e = a->load("down123");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->url, "https://example.com/");
  EXPECT_EQ(a->load("missing")->kind, RedirectEntry::Kind::Missing);
}

TEST_F(SharedL2, TombstonesMissedWhileDownAreWrittenWhenL2Returns) {
  create("retry12", "https://old.example/");
  ASSERT_TRUE(a->load("retry12"));  // L2 holds the old entry
  l2->down = true;
  change_url_in_store("retry12", "https://new.example/");
  a->invalidate("retry12");
  EXPECT_EQ(a->pending_l2_tombstones(), 1u);
  l2->down = false;
  EXPECT_EQ(a->load("other").value().kind, RedirectEntry::Kind::Missing);  // any L2 use retries them
  EXPECT_EQ(a->pending_l2_tombstones(), 0u);
  EXPECT_EQ(b->load("retry12")->url, "https://new.example/") << "the old L2 entry must not survive the outage";
}

TEST_F(SharedL2, ForgetAllAlsoRetriesTombstones) {
  create("retry34", "https://old.example/");
  ASSERT_TRUE(a->load("retry34"));
  l2->down = true;
  a->invalidate("retry34");
  l2->down = false;
  a->forget_all();  // what the change feed calls when it reconnects
  EXPECT_EQ(a->pending_l2_tombstones(), 0u);
  EXPECT_TRUE(holds_tombstone(*l2, "retry34"));
}

TEST_F(SharedL2, WithL1OffEveryLoadAsksL2) {
  ResolverOptions o = ResolverOptions::with_l1(0);
  o.l2 = l2;
  LinkResolver no_l1(store, o);
  create("nol1234", "https://example.com/");
  ASSERT_TRUE(no_l1.load("nol1234"));
  std::string out;
  EXPECT_FALSE(no_l1.render_cached("nol1234", LinkResolver::Clock::now(), 1000, "", true, false, false, out));
  EXPECT_EQ(no_l1.l1_size(), 0u);
  EXPECT_EQ(*no_l1.warm(10), 0u);
}

// Entries filled together (the start-up warm-up fills a million) must not expire together: five
// minutes after warm-up every redirect became a store read, and latency went to seconds.
TEST(L1Expiry, IsSpreadOverTheSecondHalfOfTheTtlByCode) {
  const auto now = LinkResolver::Clock::now();
  const auto ttl = std::chrono::milliseconds(300'000);
  size_t early = 0;
  for (int i = 0; i < 10'000; ++i) {
    const std::string code = "b" + std::to_string(1'000'000 + i);
    const auto at = LinkResolver::l1_expiry(code, now, ttl);
    ASSERT_GE(at, now + ttl / 2);
    ASSERT_LE(at, now + ttl);
    EXPECT_EQ(at, LinkResolver::l1_expiry(code, now, ttl)) << "a code's point in the spread is fixed";
    if (at < now + ttl * 3 / 4) ++early;
  }
  EXPECT_GT(early, 4'500u);
  EXPECT_LT(early, 5'500u);
}

TEST(L1Expiry, WarmedEntriesExpireGraduallyNotAllAtOnce) {
  auto store = std::make_shared<SqliteLinkStore>(testing::temp_sqlite_db());
  for (int i = 0; i < 400; ++i) {
    NewLink n;
    n.code = "w" + std::to_string(1000 + i);
    n.owner_id = 1;
    n.url = "https://example.com/" + std::to_string(i);
    n.now = 100;
    ASSERT_TRUE(store->create(n));
  }
  LinkResolver resolver(store, ResolverOptions::with_l1(1000));
  const auto ttl = ResolverOptions{}.positive_ttl;
  const auto before = LinkResolver::Clock::now();
  ASSERT_EQ(*resolver.warm(1000), 400u);
  const auto after = LinkResolver::Clock::now();
  auto hits_at = [&](LinkResolver::Clock::time_point t) {
    size_t hits = 0;
    std::string out;
    for (int i = 0; i < 400; ++i)
      hits += resolver.render_cached("w" + std::to_string(1000 + i), t, 200, "Date: x\r\n", true, false, false, out) ? 1 : 0;
    return hits;
  };
  EXPECT_EQ(hits_at(before + ttl / 2 - std::chrono::seconds(1)), 400u) << "none expires in the first half";
  const size_t at_three_quarters = hits_at(after + ttl * 3 / 4);
  EXPECT_GT(at_three_quarters, 100u);
  EXPECT_LT(at_three_quarters, 300u);
  EXPECT_EQ(hits_at(after + ttl + std::chrono::seconds(1)), 0u);
}

}  // namespace
}  // namespace shortstack::links
