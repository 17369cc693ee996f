// The ClickStore contract: what every backend must do. Instantiated per backend.
#include "analytics/click_store_contract.h"

#include <atomic>
#include <thread>

#include "core/time_format.h"

namespace shortstack::analytics {
namespace {

GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ClickStoreContract);

constexpr int64_t kHour = 490'000;  // 2025-11-24, well inside every backend's range

HourRollup humans(int64_t owner, int64_t n, std::string_view referrer = "(direct)", uint64_t visitor = 1) {
  HourRollup r;
  r.owner_id = owner;
  // Spread the small visitor numbers over the hash's high bits, which is what sketches keep.
  for (int64_t i = 0; i < n; ++i)
    r.add_human(referrer, "DE", "mobile", "Safari", "iOS", (visitor + static_cast<uint64_t>(i)) * 0x9E3779B97F4A7C15ULL);
  return r;
}

// A round of one batch holding `rows`.
RoundRollups batch(std::string id, std::vector<std::pair<LinkHour, HourRollup>> rows) {
  RoundRollups round{{{std::move(id), 0}}, {}};
  for (auto& [at, r] : rows) {
    round.batches[0].events += r.clicks + r.bots;
    round.rollups[at].merge(r);
  }
  return round;
}

// One round of several batches.
RoundRollups round_of(std::vector<RoundRollups> batches) {
  RoundRollups round;
  for (RoundRollups& b : batches) {
    round.batches.push_back(b.batches[0]);
    for (auto& [at, r] : b.rollups) round.rollups[at].merge(r);
  }
  return round;
}

bool applied(const Result<RoundApplied>& r) { return r && r->applied; }

int64_t clicks_of(ClickStore& s, int64_t link) {
  auto t = s.totals({link});
  return t && t->count(link) ? t->at(link).clicks : 0;
}

TEST_P(ClickStoreContract, ABatchIsAppliedExactlyOnce) {
  HourRollup with_bots = humans(1, 3);
  with_bots.bots = 2;
  const RoundRollups b = batch("inst-1", {{{10, kHour}, with_bots}, {{11, kHour}, humans(1, 1)}});
  auto first = store->apply(b);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->applied);
  EXPECT_TRUE(first->seen_before.empty());
  auto again = store->apply(b);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->applied) << "a redelivered batch must be recognised";
  EXPECT_EQ(again->seen_before, std::vector<std::string>{"inst-1"});
  auto totals = store->totals({10, 11, 12});
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->at(10).clicks, 3);
  EXPECT_EQ(totals->at(10).bots, 2);
  EXPECT_EQ(totals->at(11).clicks, 1);
  EXPECT_FALSE(totals->count(12)) << "a link never clicked has no totals";
}

TEST_P(ClickStoreContract, ARoundWithARedeliveredBatchChangesNothingAndNamesIt) {
  ASSERT_TRUE(applied(store->apply(batch("seen", {{{20, kHour}, humans(1, 2)}}))));
  auto mixed = store->apply(round_of({batch("seen", {{{20, kHour}, humans(1, 2)}}), batch("new-1", {{{20, kHour}, humans(1, 3)}}),
                                      batch("new-2", {{{20, kHour + 1}, humans(1, 1)}})}));
  ASSERT_TRUE(mixed) << mixed.error().message;
  EXPECT_FALSE(mixed->applied);
  EXPECT_EQ(mixed->seen_before, std::vector<std::string>{"seen"});
  EXPECT_EQ(clicks_of(*store, 20), 2) << "all or nothing: the new batches wait for the next try";
  // The caller's next try, without the batch seen before.
  ASSERT_TRUE(applied(store->apply(round_of({batch("new-1", {{{20, kHour}, humans(1, 3)}}),
                                             batch("new-2", {{{20, kHour + 1}, humans(1, 1)}})}))));
  EXPECT_EQ(clicks_of(*store, 20), 6);
}

TEST_P(ClickStoreContract, BatchIdsAreOpaqueText) {
  // Ids come from other processes: quotes, backslashes, commas and braces are just characters.
  const std::vector<std::string> odd = {"a\"b", "c\\d", "e,f", "{g}", "NULL", " h "};
  std::vector<RoundRollups> batches;
  for (size_t i = 0; i < odd.size(); ++i) batches.push_back(batch(odd[i], {{{22, kHour}, humans(1, 1)}}));
  ASSERT_TRUE(applied(store->apply(round_of(batches))));
  EXPECT_EQ(clicks_of(*store, 22), 6);
  auto again = store->apply(round_of({batch("new", {{{22, kHour}, humans(1, 1)}}), batch("e,f", {{{22, kHour}, humans(1, 1)}})}));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->applied);
  EXPECT_EQ(again->seen_before, std::vector<std::string>{"e,f"});
}

TEST_P(ClickStoreContract, ARoundNamingOneBatchTwiceIsRefused) {
  auto twice = store->apply(round_of({batch("dup", {{{21, kHour}, humans(1, 2)}}), batch("dup", {{{21, kHour}, humans(1, 2)}})}));
  EXPECT_FALSE(twice);
  EXPECT_EQ(clicks_of(*store, 21), 0);
  EXPECT_TRUE(applied(store->apply(batch("dup", {{{21, kHour}, humans(1, 2)}}))));
}

TEST_P(ClickStoreContract, HoursKeepTheBreakdownAndVisitorsOfEachHour) {
  HourRollup first = humans(5, 2, "news.example", 100);
  HourRollup later = humans(5, 3, "mail.example", 100);  // visitors 100..102: two of them seen before
  later.bots = 4;
  ASSERT_TRUE(applied(store->apply(batch("b1", {{{30, kHour}, first}, {{30, kHour + 5}, later}}))));
  ASSERT_TRUE(applied(store->apply(batch("b2", {{{30, kHour}, humans(5, 1, "news.example", 100)}}))));
  auto rows = store->hours(30, kHour, kHour + 24);
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 2u);
  const HourRow& h0 = (*rows)[0];
  EXPECT_EQ(h0.hour, kHour);
  EXPECT_EQ(h0.rollup.owner_id, 5);
  EXPECT_EQ(h0.rollup.clicks, 3);
  EXPECT_EQ(h0.rollup.visitors.estimate(), 2u) << "visitor 100 came back in the second batch";
  ASSERT_FALSE(h0.rollup.breakdown.empty());
  int64_t from_news = 0;
  for (const BreakdownEntry& e : h0.rollup.breakdown)
    if (e.dimension == Dimension::Referrer && e.key == "news.example") from_news = e.clicks;
  EXPECT_EQ(from_news, 3);
  EXPECT_EQ((*rows)[1].hour, kHour + 5);
  EXPECT_EQ((*rows)[1].rollup.bots, 4);
  // The range is half-open and per link.
  EXPECT_EQ(store->hours(30, kHour + 1, kHour + 5)->size(), 0u);
  EXPECT_EQ(store->hours(31, kHour, kHour + 24)->size(), 0u);
}

TEST_P(ClickStoreContract, TopRanksAnOwnersLinksByHumanClicksInTheWindow) {
  HourRollup bots_only;
  bots_only.owner_id = 7;
  bots_only.bots = 1000;
  ASSERT_TRUE(applied(store->apply(batch("t1", {{{40, kHour}, humans(7, 5)},
                                         {{41, kHour}, humans(7, 2)},
                                         {{41, kHour + 1}, humans(7, 4)},
                                         {{42, kHour - 30}, humans(7, 50)},  // before the window
                                         {{43, kHour}, humans(8, 99)},       // someone else's
                                         {{44, kHour}, bots_only}}))));
  auto top = store->top(7, kHour, 10);
  ASSERT_TRUE(top) << top.error().message;
  ASSERT_EQ(top->size(), 2u);
  EXPECT_EQ((*top)[0].link_id, 41);
  EXPECT_EQ((*top)[0].clicks, 6);
  EXPECT_EQ((*top)[1].link_id, 40);
  EXPECT_EQ(store->top(7, kHour, 1)->size(), 1u);
  EXPECT_TRUE(store->top(9, kHour, 10)->empty());
}

TEST_P(ClickStoreContract, ConcurrentRedeliveredBatchesOnOneHotLinkLoseNothing) {
  constexpr int kThreads = 8, kBatches = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBatches; ++i) {
        const auto b = batch("t" + std::to_string(t) + "-" + std::to_string(i), {{{50, kHour}, humans(1, 10)}});
        // At-least-once: every batch twice; the second must be recognised.
        auto second = applied(store->apply(b)) ? store->apply(b) : Result<RoundApplied>(internal_error("first"));
        if (!second || second->applied) failures++;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(clicks_of(*store, 50), kThreads * kBatches * 10);
  EXPECT_EQ((*store->hours(50, kHour, kHour + 1))[0].rollup.clicks, kThreads * kBatches * 10);
}

TEST_P(ClickStoreContract, ForgottenBatchIdsAreNoLongerRecognised) {
  const auto b = batch("old", {{{60, kHour}, humans(1, 1)}});
  ASSERT_TRUE(applied(store->apply(b)));
  auto forgotten = store->forget_batches_before(unix_now() + 10);
  ASSERT_TRUE(forgotten);
  EXPECT_EQ(*forgotten, 1u);
  EXPECT_TRUE(applied(store->apply(b))) << "the retention window is what bounds redelivery detection";
  EXPECT_EQ(*store->forget_batches_before(0), 0u);
}

}  // namespace
}  // namespace shortstack::analytics
