// The click path's own costs: recording on the event loop, and the aggregator's work per event
// (decode, classify, roll up, apply to the SQLite analytics store).
#include <benchmark/benchmark.h>

#include <random>

#include "analytics/sqlite_click_store.h"
#include "analytics/sqlite_rollup_sql.h"
#include "clicks/click_aggregator.h"
#include "clicks/click_recorder.h"
#include "queue/memory_queue.h"
#include "testing/sqlite_temp.h"

namespace {

using namespace shortstack;

constexpr int64_t kNow = 1'795'310'580;
constexpr const char* kAgents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile "
    "Safari/537.36",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
};

// One click as the redirect path records it (browser UA, referrer, country), flushed every 1,000.
void BM_RecordClick(benchmark::State& state) {
  auto queue = std::make_shared<queue::MemoryQueue>();
  clicks::ClickRecorder recorder(queue, 1, "bench-secret-0123456789");
  size_t n = 0;
  for (auto _ : state) {
    recorder.record(0, {1, 1, "198.51.100.23", kAgents[n % 3], "https://news.example/story", "DE"}, kNow);
    if (++n % 1000 == 0) {
      state.PauseTiming();
      recorder.flush(0);
      (void)queue->fetch(clicks::kClickSubject, 10, std::chrono::milliseconds(0));  // keep the queue from growing
      state.ResumeTiming();
    }
  }
}
BENCHMARK(BM_RecordClick);

// A batch of 4,096 events over `links` links, as one loop's 100 ms at ~40k redirects/s.
std::string batch_payload(int64_t links, uint64_t seed) {
  std::mt19937_64 rng(seed);
  clicks::ClickBatch b;
  b.id = "bench-" + std::to_string(seed);
  for (const char* a : kAgents) b.strings.push_back(a);
  b.strings.push_back("news.example");
  for (int i = 0; i < 4096; ++i)
    b.events.push_back({static_cast<int64_t>(rng() % static_cast<uint64_t>(links)) + 1, 1, kNow, rng(),
                        static_cast<uint32_t>(1 + rng() % 5), static_cast<uint32_t>(rng() % 2 ? 6 : 0), {'D', 'E'}});
  return clicks::encode_batch(b);
}

// Decode + classify + roll up, per event (state.range(0) = distinct links).
void BM_RollupBatch(benchmark::State& state) {
  const std::string payload = batch_payload(state.range(0), 1);
  const auto classifier = analytics::UserAgentClassifier::builtin();
  for (auto _ : state) {
    auto b = clicks::decode_batch(payload);
    analytics::RoundRollups round;
    clicks::rollup_into(*b, *classifier, round);
    benchmark::DoNotOptimize(round);
  }
  state.SetItemsProcessed(state.iterations() * 4096);
}
BENCHMARK(BM_RollupBatch)->Arg(1)->Arg(100'000);

// A gathered round: 500 batches (~2M events) over a million links rolled up into one round, the
// way a spread round grows for up to `clicks.spread_round_max_ms`. Unlike BM_RollupBatch, the round
// outgrows the CPU caches, so this is what each event's lookup costs in production. Per event,
// decoding excluded; the round's teardown included, since every round pays it.
void BM_GatherSpreadRound(benchmark::State& state) {
  constexpr int kBatches = 500;
  std::vector<clicks::ClickBatch> batches;
  for (int i = 0; i < kBatches; ++i) batches.push_back(*clicks::decode_batch(batch_payload(1'000'000, 7000 + i)));
  const auto classifier = analytics::UserAgentClassifier::builtin();
  for (auto _ : state) {
    analytics::RoundRollups round;  // ~870k link-hours once every batch is in
    for (const auto& b : batches) clicks::rollup_into(b, *classifier, round);
    benchmark::DoNotOptimize(round);
  }
  // No user counter here: make bench reads the CSV output, which needs the same columns in every row.
  state.SetItemsProcessed(state.iterations() * kBatches * 4096);
}
BENCHMARK(BM_GatherSpreadRound)->Unit(benchmark::kMillisecond)->Iterations(3);

// The aggregator's whole round into a real SQLite analytics.db: 10 batches (~41k events) per round,
// the way one second of traffic at ~40k clicks/s arrives.
void BM_AggregatorRound(benchmark::State& state) {
  auto store = *analytics::SqliteClickStore::open(testing::temp_analytics_db());
  auto queue = std::make_shared<queue::MemoryQueue>();
  clicks::ClickAggregator aggregator(queue, store);
  uint64_t seed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < 10; ++i) (void)queue->publish(clicks::kClickSubject, batch_payload(state.range(0), ++seed));
    state.ResumeTiming();
    benchmark::DoNotOptimize(aggregator.run_once(std::chrono::milliseconds(0)));
  }
  state.SetItemsProcessed(state.iterations() * 10 * 4096);
}
BENCHMARK(BM_AggregatorRound)->Arg(1)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

namespace {

// Per iteration, untimed: `rounds` aggregator rounds of ~41k clicks spread over `links` links; then,
// timed, the compaction that folds their deltas. Items are the deltas folded.
void time_compactions(benchmark::State& state, const std::shared_ptr<analytics::SqliteClickStore>& store,
                      int64_t rounds, int64_t links, uint64_t seed) {
  auto queue = std::make_shared<queue::MemoryQueue>();
  clicks::ClickAggregator aggregator(queue, store);
  size_t folded = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int64_t r = 0; r < rounds; ++r) {
      for (int i = 0; i < 10; ++i) (void)queue->publish(clicks::kClickSubject, batch_payload(links, ++seed));
      (void)aggregator.run_once(std::chrono::milliseconds(0));
    }
    state.ResumeTiming();
    auto n = store->compact();
    if (!n) state.SkipWithError("compaction failed");
    else folded += *n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(folded));
}

// Compaction of the deltas that `rounds` aggregator rounds (each ~41k events over 1M links, the way
// random-code traffic arrives) left behind: the periodic fold into click_hours_recent.
// Reported per folded delta; with clicks this spread, nearly every event is a delta of its own.
void BM_CompactSpreadDeltas(benchmark::State& state) {
  auto store = *analytics::SqliteClickStore::open(testing::temp_analytics_db());
  time_compactions(state, store, state.range(0), 1'000'000, 1000);
}
BENCHMARK(BM_CompactSpreadDeltas)->Arg(5)->Iterations(4)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

namespace {

constexpr int64_t kHistoryLinks = 100'000;
constexpr int64_t kKeepRecent = 24;  // SqliteClickStore::Options::keep_recent
constexpr const char* kStoredBreakdown = "r\t(direct)\t3\nc\tDE\t3\nd\tdesktop\t3\nb\tChrome\t3\no\tWindows\t3\n";

// Stores a row for each of `links` links in each hour from_hour <= h < to_hour, where a running
// store keeps it: hours within kKeepRecent of `current_hour` in click_hours_recent, older ones in
// click_hours.
Status seed_hours(store::SqliteDb& db, int64_t links, int64_t from_hour, int64_t to_hour, int64_t current_hour) {
  auto seeded = db.write<Ok>([&](store::SqliteConn& c) -> Result<Ok> {
    // Literals: the connection's statement cache keeps the SQL text.
    SHORTSTACK_PREPARE(into_recent, c,
                       "INSERT INTO click_hours_recent(slot, link_id, hour, owner_id, clicks, bots, breakdown, visitors) "
                       "VALUES(?, ?, ?, 1, 3, 0, ?, x'')");
    SHORTSTACK_PREPARE(into_archive, c,
                       "INSERT INTO click_hours(slot, link_id, hour, owner_id, clicks, bots, breakdown, visitors) "
                       "VALUES(?, ?, ?, 1, 3, 0, ?, x'')");
    for (const bool recent : {false, true}) {
      store::Stmt& ins = recent ? into_recent : into_archive;
      for (int64_t link = 1; link <= links; ++link)
        for (int64_t h = from_hour; h < to_hour; ++h) {
          if ((h >= current_hour - kKeepRecent) != recent) continue;
          ins.bind(1, recent ? *analytics::recent_slot_of(link, h) : *analytics::slot_of(link, h)).bind(2, link).bind(3, h);
          ins.bind_text_unowned(4, kStoredBreakdown);
          if (auto st = ins.run(); !st) return st.error();
          ins.reset();
        }
    }
    return Ok{};
  });
  if (!seeded) return seeded.error();
  return ok_status();
}

// `hours` earlier hours for each of kHistoryLinks links.
Status seed_history(store::SqliteDb& db, int64_t current_hour, int64_t hours) {
  return seed_hours(db, kHistoryLinks, current_hour - hours, current_hour, current_hour);
}

// The same fold, with `state.range(0)` earlier hours already stored for each of 100k links: clicks
// spread over every link hour after hour. Folds write the hour-major recent table, where the
// current hour's rows are the table's last pages, so history costs them nothing. (Into the
// link-major table, where each link's current hour sat between its earlier ones, a fold cost 6 us
// per delta with no history, 20 us with 24 hours and 58 us with 96: a page per link.)
void BM_CompactWithHistory(benchmark::State& state) {
  auto db = testing::temp_analytics_db();
  if (auto st = seed_history(*db, kNow / 3600, state.range(0)); !st)
    return state.SkipWithError(st.error().message.c_str());
  auto store = *analytics::SqliteClickStore::open(db);
  time_compactions(state, store, 3, kHistoryLinks, 5000);
}
BENCHMARK(BM_CompactWithHistory)->Arg(0)->Arg(24)->Arg(96)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

// The fold of BM_CompactSpreadDeltas once the current hour already holds a row for each of the 1M
// links, as it does after a few minutes of clicks spread over them: then every fold rewrites the
// whole hour, ~110 MB of rows, whatever it folds. `state.range(0)` rounds of ~41k deltas: 5 shows
// that fixed cost per fold, 25 (a default fold of ~1M deltas) the cost per delta beside it.
void BM_CompactIntoCoveredHour(benchmark::State& state) {
  auto db = testing::temp_analytics_db();
  const int64_t hour = kNow / 3600;
  if (auto st = seed_hours(*db, 1'000'000, hour, hour + 1, hour); !st)
    return state.SkipWithError(st.error().message.c_str());
  auto store = *analytics::SqliteClickStore::open(db);
  time_compactions(state, store, state.range(0), 1'000'000, 9000);
}
BENCHMARK(BM_CompactIntoCoveredHour)->Arg(5)->Arg(25)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Moving one hour (a row per link) into the link-major archive, over `state.range(0)` archived
// hours per link: the scattered write that folds no longer make, paid once per hour instead.
void BM_ArchiveHourWithHistory(benchmark::State& state) {
  auto db = testing::temp_analytics_db();
  const int64_t oldest_recent = kNow / 3600 - kKeepRecent;
  if (auto st = seed_history(*db, oldest_recent + 1, state.range(0) + 1); !st)
    return state.SkipWithError(st.error().message.c_str());
  auto store = *analytics::SqliteClickStore::open(db);
  size_t moved = 0;
  for (auto _ : state) {
    auto n = store->archive_oldest_hour(oldest_recent + 1);
    if (!n || *n == 0) state.SkipWithError("nothing archived");
    else moved += *n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(moved));
}
BENCHMARK(BM_ArchiveHourWithHistory)->Arg(0)->Arg(24)->Arg(96)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
