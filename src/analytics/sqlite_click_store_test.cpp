#include "analytics/click_store_contract.h"
#include "analytics/sqlite_click_store.h"
#include "analytics/sqlite_rollup_sql.h"
#include "store/migrations.h"
#include "testing/sqlite_temp.h"
#include "testing/temp_dir.h"

namespace shortstack::analytics {
namespace {

// Three configurations: rounds left as deltas (the default between compactions), a compaction after
// every round, and an archive step after that, so the contract holds on every side of both moves.
std::shared_ptr<ClickStore> make_sqlite() { return *SqliteClickStore::open(testing::temp_analytics_db()); }
// A store that folds its deltas after every apply, so reads meet compacted rows (and, archiving,
// moves them on to the link-major table too).
class CompactingStore final : public ClickStore {
 public:
  explicit CompactingStore(bool archive) : s_(*SqliteClickStore::open(testing::temp_analytics_db())), archive_(archive) {}
  Result<RoundApplied> apply(const RoundRollups& b) override {
    auto r = s_->apply(b);
    if (r) (void)s_->compact();
    while (r && archive_) {
      auto moved = s_->archive_oldest_hour(INT64_MAX);
      if (!moved || *moved == 0) break;
    }
    return r;
  }
  Result<std::vector<HourRow>> hours(int64_t l, int64_t f, int64_t t) override { return s_->hours(l, f, t); }
  Result<std::unordered_map<int64_t, LinkTotals>> totals(const std::vector<int64_t>& ids) override { return s_->totals(ids); }
  Result<std::vector<TopLink>> top(int64_t o, int64_t f, size_t n) override { return s_->top(o, f, n); }
  Result<size_t> forget_batches_before(int64_t t) override { return s_->forget_batches_before(t); }

 private:
  std::shared_ptr<SqliteClickStore> s_;
  bool archive_;
};

std::shared_ptr<ClickStore> make_sqlite_compacting() { return std::make_shared<CompactingStore>(false); }
// Also moves every hour on to the link-major archive, so reads meet archived rows.
std::shared_ptr<ClickStore> make_sqlite_archiving() { return std::make_shared<CompactingStore>(true); }

INSTANTIATE_TEST_SUITE_P(Embedded, ClickStoreContract,
                         ::testing::Values(ClickStoreFactory{"sqlite", make_sqlite},
                                           ClickStoreFactory{"sqlite_compacting", make_sqlite_compacting},
                                           ClickStoreFactory{"sqlite_archiving", make_sqlite_archiving}),
                         testing::backend_name<ClickStore>);

constexpr int64_t kHour = 490'000;

struct Batch {
  std::string id;
  int64_t link, hour, clicks;
  std::string_view referrer;
};

// One round of the given batches, rolled up together the way the aggregator does.
RoundRollups round(std::vector<Batch> batches) {
  RoundRollups out;
  for (const Batch& b : batches) {
    out.batches.push_back({b.id, b.clicks});
    HourRollup& r = out.rollups[{b.link, b.hour}];
    r.owner_id = 3;
    for (int64_t i = 0; i < b.clicks; ++i)
      r.add_human(b.referrer, "NL", "mobile", "Chrome", "Android", static_cast<uint64_t>(i + 1) * 0x9E3779B97F4A7C15ULL);
  }
  return out;
}

bool applied(const Result<RoundApplied>& r) { return r && r->applied; }

TEST(SqliteClickStore, RefusesHoursItsKeyCannotHold) {
  auto store = *SqliteClickStore::open(testing::temp_analytics_db());
  RoundRollups b{{{"x", 1}}, {}};
  b.rollups[{1, 100}].clicks = 1;  // 1970
  EXPECT_FALSE(store->apply(b));
}

TEST(SqliteClickStore, CompactionChangesNoAnswer) {
  auto store = *SqliteClickStore::open(testing::temp_analytics_db());
  ASSERT_TRUE(applied(store->apply(round({{"a", 7, kHour, 3, "x.example"}, {"b", 8, kHour, 1, "y.example"}}))));
  ASSERT_TRUE(applied(store->apply(round({{"c", 7, kHour, 2, "y.example"}, {"d", 7, kHour + 1, 4, "x.example"}}))));
  const auto hours_before = *store->hours(7, kHour, kHour + 2);
  const auto totals_before = *store->totals({7, 8});
  const auto top_before = *store->top(3, kHour, 10);
  EXPECT_EQ(store->pending_deltas(), 4u) << "one per link-hour per round";
  auto folded = store->compact();
  ASSERT_TRUE(folded) << folded.error().message;
  EXPECT_EQ(*folded, 4u);
  EXPECT_EQ(store->pending_deltas(), 0u);
  const auto hours_after = *store->hours(7, kHour, kHour + 2);
  ASSERT_EQ(hours_after.size(), hours_before.size());
  for (size_t i = 0; i < hours_after.size(); ++i) {
    EXPECT_EQ(hours_after[i].rollup.clicks, hours_before[i].rollup.clicks);
    EXPECT_EQ(hours_after[i].rollup.encode_breakdown(), hours_before[i].rollup.encode_breakdown());
    EXPECT_EQ(hours_after[i].rollup.visitors.encode(), hours_before[i].rollup.visitors.encode());
  }
  EXPECT_EQ(store->totals({7, 8})->at(7).clicks, totals_before.at(7).clicks);
  EXPECT_EQ(store->totals({7, 8})->at(8).clicks, 1);
  const auto top_after = *store->top(3, kHour, 10);
  ASSERT_EQ(top_after.size(), top_before.size());
  EXPECT_EQ(top_after[0].clicks, 9);
  // Deltas on top of compacted rows add up too.
  ASSERT_TRUE(applied(store->apply(round({{"e", 7, kHour, 1, "x.example"}}))));
  EXPECT_EQ(store->totals({7})->at(7).clicks, 10);
  EXPECT_EQ((*store->hours(7, kHour, kHour + 1))[0].rollup.clicks, 6);
}

// A link-hour with a single delta is copied into click_hours as stored, without decoding; it is
// still checked, so a corrupt delta stops the fold instead of moving into the compacted table.
TEST(SqliteClickStore, CompactionRefusesACorruptLoneDelta) {
  auto db = testing::temp_analytics_db();
  auto store = *SqliteClickStore::open(db);
  ASSERT_TRUE(applied(store->apply(round({{"a", 7, kHour, 3, "x.example"}, {"b", 8, kHour, 1, "y.example"}}))));
  ASSERT_TRUE(db->write<Ok>([](store::SqliteConn& c) -> Result<Ok> {
    if (auto st = c.exec("UPDATE click_deltas SET breakdown = 'r\tx.example\tlots\n' WHERE link_id = 8"); !st)
      return st.error();
    return Ok{};
  }));
  EXPECT_FALSE(store->compact());
  EXPECT_EQ(store->pending_deltas(), 2u) << "the fold rolled back whole";
  EXPECT_EQ(store->totals({7})->at(7).clicks, 3);
}

// `sql` is a COUNT(*) query; a literal, as the connection's statement cache keeps its text.
int64_t count(store::SqliteDb& db, const char* sql) {
  return *db.read([&](store::SqliteConn& c) -> Result<int64_t> {
    SHORTSTACK_PREPARE(q, c, sql);
    if (!q.step()) return q.error();
    return q.int64(0);
  });
}
int64_t recent_rows(store::SqliteDb& db) { return count(db, "SELECT COUNT(*) FROM click_hours_recent"); }
int64_t archived_rows(store::SqliteDb& db) { return count(db, "SELECT COUNT(*) FROM click_hours"); }

// Compaction writes the hour-major table; the archive step moves whole hours, oldest first, to the
// link-major one. A link-hour can end up in both (a late click for an archived hour): reads add them.
TEST(SqliteClickStore, ArchivingMovesWholeHoursAndChangesNoAnswer) {
  auto db = testing::temp_analytics_db();
  auto store = *SqliteClickStore::open(db);
  ASSERT_TRUE(applied(store->apply(round({{"a", 7, kHour, 3, "x.example"}, {"b", 8, kHour, 1, "y.example"}}))));
  ASSERT_TRUE(applied(store->apply(round({{"c", 7, kHour + 1, 2, "y.example"}}))));
  ASSERT_TRUE(store->compact());
  EXPECT_EQ(recent_rows(*db), 3);
  EXPECT_EQ(archived_rows(*db), 0);
  const auto hours_before = *store->hours(7, kHour, kHour + 2);
  const auto top_before = *store->top(3, kHour, 10);

  EXPECT_EQ(*store->archive_oldest_hour(kHour), 0u) << "nothing older than kHour";
  EXPECT_EQ(*store->archive_oldest_hour(kHour + 2), 2u) << "one hour per call: kHour's two rows";
  EXPECT_EQ(recent_rows(*db), 1);
  EXPECT_EQ(archived_rows(*db), 2);
  const auto hours_after = *store->hours(7, kHour, kHour + 2);
  ASSERT_EQ(hours_after.size(), hours_before.size());
  for (size_t i = 0; i < hours_after.size(); ++i) {
    EXPECT_EQ(hours_after[i].hour, hours_before[i].hour);
    EXPECT_EQ(hours_after[i].rollup.clicks, hours_before[i].rollup.clicks);
    EXPECT_EQ(hours_after[i].rollup.encode_breakdown(), hours_before[i].rollup.encode_breakdown());
    EXPECT_EQ(hours_after[i].rollup.visitors.encode(), hours_before[i].rollup.visitors.encode());
  }
  ASSERT_EQ(store->top(3, kHour, 10)->size(), top_before.size());
  EXPECT_EQ((*store->top(3, kHour, 10))[0].clicks, top_before[0].clicks);

  // A late click for the archived hour goes to the recent table again; reads add the two rows.
  ASSERT_TRUE(applied(store->apply(round({{"d", 7, kHour, 4, "z.example"}}))));
  ASSERT_TRUE(store->compact());
  EXPECT_EQ((*store->hours(7, kHour, kHour + 1))[0].rollup.clicks, 7);
  EXPECT_EQ((*store->top(3, kHour, 10))[0].clicks, 9);
  EXPECT_EQ(store->totals({7})->at(7).clicks, 9);
  // Archived again, the two rows become one, with both breakdowns.
  EXPECT_EQ(*store->archive_oldest_hour(kHour + 1), 1u);
  EXPECT_EQ(archived_rows(*db), 2);
  const auto merged = (*store->hours(7, kHour, kHour + 1))[0].rollup;
  EXPECT_EQ(merged.clicks, 7);
  EXPECT_NE(merged.encode_breakdown().find("z.example"), std::string::npos);
  EXPECT_NE(merged.encode_breakdown().find("x.example"), std::string::npos);
}

TEST(SqliteClickStore, HousekeepingArchivesHoursOlderThanKeepRecent) {
  auto db = testing::temp_analytics_db();
  SqliteClickStore::Options options;
  options.compact_max_deltas = 1;
  options.keep_recent = std::chrono::hours(0);  // every hour before the current one is old enough
  auto store = *SqliteClickStore::open(db, options);
  ASSERT_TRUE(applied(store->apply(round({{"a", 7, kHour, 3, "x.example"}}))));
  ASSERT_TRUE(store->housekeeping());
  EXPECT_EQ(recent_rows(*db), 0) << "compacted, then archived in the same call";
  EXPECT_EQ(archived_rows(*db), 1);
  EXPECT_EQ((*store->hours(7, kHour, kHour + 1))[0].rollup.clicks, 3);
}

TEST(SqliteClickStore, DeltasLeftByAnEarlierProcessAreFoundAgain) {
  auto db = testing::temp_analytics_db();
  {
    auto first = *SqliteClickStore::open(db);
    ASSERT_TRUE(applied(first->apply(round({{"a", 9, kHour, 5, "x.example"}}))));
  }
  auto second = *SqliteClickStore::open(db);
  EXPECT_EQ(second->pending_deltas(), 1u);
  EXPECT_EQ(second->totals({9})->at(9).clicks, 5);
  EXPECT_EQ((*second->hours(9, kHour, kHour + 1))[0].rollup.clicks, 5);
  EXPECT_FALSE(second->apply(round({{"a", 9, kHour, 5, "x.example"}}))->applied) << "batch ids survive too";
}

TEST(SqliteClickStore, CompactsOnceEnoughDeltasGather) {
  auto store = *SqliteClickStore::open(testing::temp_analytics_db(), {std::chrono::hours(1), 3});
  ASSERT_TRUE(applied(store->apply(round({{"a", 1, kHour, 1, "x"}, {"b", 2, kHour, 1, "x"}}))));
  EXPECT_EQ(store->pending_deltas(), 2u);
  ASSERT_TRUE(applied(store->apply(round({{"c", 3, kHour, 1, "x"}}))));
  EXPECT_EQ(store->pending_deltas(), 3u);
  ASSERT_TRUE(store->housekeeping());
  EXPECT_EQ(store->pending_deltas(), 0u);
  EXPECT_EQ(store->totals({1, 2, 3})->size(), 3u);
}

// Before migration 0004, link_totals also counted what click_hours_recent holds; the migration takes
// that back out, so a database written by an older build reads the same totals after it.
TEST(SqliteClickStore, TotalsReadTheSameAfterLinkTotalsStopCountingRecentHours) {
  testing::TempDir dir;
  auto db = *store::SqliteDb::open(dir.file("analytics.db"));
  const auto& all = store::analytics_sqlite_migrations();
  ASSERT_TRUE(db->migrate({all.begin(), all.begin() + 3}));
  const int64_t slot7 = *recent_slot_of(7, kHour), slot8 = *recent_slot_of(8, kHour);
  // Link 7: 10 clicks and 1 bot in all, 3 clicks of them still recent. Link 8: all of it recent.
  const std::string rows =
      "INSERT INTO link_totals(link_id, clicks, bots) VALUES(7, 10, 1), (8, 2, 0);"
      "INSERT INTO click_hours_recent(slot, link_id, hour, owner_id, clicks, bots, breakdown, visitors) VALUES"
      "(" + std::to_string(slot7) + ", 7, " + std::to_string(kHour) + ", 3, 3, 0, '', x''),"
      "(" + std::to_string(slot8) + ", 8, " + std::to_string(kHour) + ", 3, 2, 0, '', x'');";
  ASSERT_TRUE(db->write<int>([&](store::SqliteConn& c) -> Result<int> {
    if (auto st = c.exec(rows.c_str()); !st) return st.error();
    return 0;
  }));
  ASSERT_TRUE(db->migrate(all));
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM link_totals"), 1) << "link 8's row held only recent clicks";

  auto store = *SqliteClickStore::open(db);
  const auto totals = *store->totals({7, 8, 9});
  EXPECT_EQ(totals.at(7).clicks, 10);
  EXPECT_EQ(totals.at(7).bots, 1);
  EXPECT_EQ(totals.at(8).clicks, 2);
  EXPECT_EQ(totals.count(9), 0u) << "never clicked: absent";
  // Archiving the hour hands its clicks to link_totals, and the answer stays the same.
  EXPECT_EQ(*store->archive_oldest_hour(kHour + 1), 2u);
  EXPECT_EQ(recent_rows(*db), 0);
  EXPECT_EQ(store->totals({7})->at(7).clicks, 10);
  EXPECT_EQ(store->totals({8})->at(8).clicks, 2);
}

}  // namespace
}  // namespace shortstack::analytics
