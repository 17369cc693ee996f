#include "analytics/sqlite_click_store.h"

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_set>

#include "analytics/sqlite_rollup_sql.h"
#include "core/time_format.h"
#include "log/log.h"

namespace shortstack::analytics {
namespace {

using store::SqliteConn;
using store::Stmt;
using Clock = std::chrono::steady_clock;

// Records the batch id; false when it was applied before.
Result<bool> mark_new(SqliteConn& c, std::string_view batch_id, int64_t events) {
  SHORTSTACK_PREPARE(mark, c,
                     "INSERT INTO click_batches(batch_id, applied_at, events) VALUES(?, ?, ?) ON CONFLICT DO NOTHING");
  mark.bind(1, batch_id).bind(2, unix_now()).bind(3, events);
  if (auto st = mark.run(); !st) return st.error();
  return sqlite3_changes(c.raw()) > 0;
}

// A round's deltas encoded before the transaction, into one buffer: the writer thread is what every
// round queues for, so it should only write, and one buffer is two allocations per round instead of
// two per link-hour.
struct EncodedRound {
  struct Row {
    LinkHour at;
    int64_t slot, owner_id, clicks, bots;
    size_t breakdown_end, visitors_end;  // offsets into bytes; each field starts where the last ended
  };
  std::vector<Row> rows;
  std::string bytes;
};

Result<EncodedRound> encode_round(const Rollups& rollups) {
  EncodedRound out;
  out.rows.reserve(rollups.size());
  out.bytes.reserve(rollups.size() * 64);
  for (const auto& [at, r] : rollups) {
    auto slot = slot_of(at.link_id, at.hour);
    if (!slot) return slot.error();
    r.append_breakdown(out.bytes);
    const size_t breakdown_end = out.bytes.size();
    r.visitors.append_encoded(out.bytes);
    out.rows.push_back({at, *slot, r.owner_id, r.clicks, r.bots, breakdown_end, out.bytes.size()});
  }
  return out;
}

// Appends the round's deltas; returns each one's (link, seq) for the in-memory index.
Result<std::vector<std::pair<int64_t, int64_t>>> append_deltas(SqliteConn& c, const EncodedRound& round) {
  SHORTSTACK_PREPARE(w, c,
                     "INSERT INTO click_deltas(slot, link_id, hour, owner_id, clicks, bots, breakdown, visitors) "
                     "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  std::vector<std::pair<int64_t, int64_t>> appended;
  appended.reserve(round.rows.size());
  const std::string_view bytes = round.bytes;
  size_t start = 0;
  for (const EncodedRound::Row& d : round.rows) {
    w.bind(1, d.slot).bind(2, d.at.link_id).bind(3, d.at.hour).bind(4, d.owner_id).bind(5, d.clicks).bind(6, d.bots);
    w.bind_text_unowned(7, bytes.substr(start, d.breakdown_end - start));
    w.bind_blob_unowned(8, bytes.substr(d.breakdown_end, d.visitors_end - d.breakdown_end));
    start = d.visitors_end;
    if (auto st = w.run(); !st) return st.error();
    appended.emplace_back(d.at.link_id, sqlite3_last_insert_rowid(c.raw()));
    w.reset();
  }
  return appended;
}

constexpr std::string_view kSeenBefore = "batches_seen_before";

// For the log events that say how long a step took.
int64_t ms_since(Clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
}

// The CPU the writer thread spends on a step, its commit included. The step's wall time is no
// measure of its cost under load, where the writer waits for a core: a fold of 1M deltas took
// 10.5-13.6 s of wall time in the server and 5.7 s in the micro-benchmark (bench/RESULTS.md,
// session 7). Started inside the write, on the writer thread; read after the write returns.
class WriterCpu {
 public:
  void start_on_this_thread() {
    started_ = pthread_getcpuclockid(pthread_self(), &clock_) == 0 ? now() : -1;
  }
  int64_t ms() const { return started_ < 0 ? -1 : (now() - started_) / 1'000'000; }  // -1: not measured

 private:
  int64_t now() const {
    timespec ts{};
    if (clock_gettime(clock_, &ts) != 0) return started_;
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  }
  clockid_t clock_{};
  int64_t started_ = -1;
};

// How an upsert adds a rollup (excluded.*) to the row already stored under its key.
#define MERGE_ROLLUP_COLUMNS                                                         \
  "clicks = clicks + excluded.clicks, bots = bots + excluded.bots, "                 \
  "breakdown = ss_merge_breakdown(breakdown, excluded.breakdown), "                  \
  "visitors = ss_merge_visitors(visitors, excluded.visitors)"

// Readers see the compacted tables and the deltas as of one moment: compaction moves rows from one
// to the other in a single transaction.
template <class T, class F>
Result<T> in_snapshot(SqliteConn& c, F&& fn) {
  if (auto st = c.exec("BEGIN"); !st) return st.error();
  Result<T> r = fn();
  (void)c.exec(r ? "COMMIT" : "ROLLBACK");
  return r;
}

// Steps a keyed lookup and, when it found a row whose hour `hour_of(q)` names (nullopt: skip it),
// adds the rollup in the columns from `first_col` on to that hour. Resets the statement.
template <class HourOf>
Status add_found_row(Stmt& q, int first_col, HourOf&& hour_of, std::map<int64_t, HourRollup>& by_hour) {
  Status st = ok_status();
  if (q.step()) {
    if (const std::optional<int64_t> hour = hour_of(q)) {
      auto r = read_rollup(q, first_col);
      if (r) by_hour[*hour].merge(*r);
      else st = r.error();
    }
  } else if (q.failed()) {
    st = q.error();
  }
  q.reset();
  return st;
}

// The hours [first, end) that click_hours_recent holds rows for: about a day's worth.
struct HourSpan {
  int64_t first = 0, end = 0;
};

Result<HourSpan> recent_hours(SqliteConn& c) {
  SHORTSTACK_PREPARE(span, c, "SELECT (SELECT MIN(slot) FROM click_hours_recent), (SELECT MAX(slot) FROM click_hours_recent)");
  if (!span.step()) return span.error();
  if (span.is_null(0)) return HourSpan{};
  return HourSpan{hour_of_recent_slot(span.int64(0)), hour_of_recent_slot(span.int64(1)) + 1};
}

using TotalsByLink = std::unordered_map<int64_t, LinkTotals>;

// Steps a keyed lookup of (clicks, bots) and, when it found a row, adds it to the link's totals; a
// link no lookup finds stays absent. Resets the statement.
Status add_found_totals(Stmt& q, int64_t link_id, TotalsByLink& out) {
  Status st = ok_status();
  if (q.step()) {
    LinkTotals& t = out[link_id];
    t.clicks += q.int64(0);
    t.bots += q.int64(1);
  } else if (q.failed()) {
    st = q.error();
  }
  q.reset();
  return st;
}

// Adds the link's rows of click_hours_recent to its totals (link_totals count archived hours only):
// one keyed lookup per hour of the span.
Status add_recent_totals(SqliteConn& c, int64_t link_id, HourSpan span, TotalsByLink& out) {
  SHORTSTACK_PREPARE(q, c, "SELECT clicks, bots FROM click_hours_recent WHERE slot = ?");
  for (int64_t hour = span.first; hour < span.end; ++hour) {
    auto slot = recent_slot_of(link_id, hour);
    if (!slot) continue;  // no row can have a key out of range
    q.bind(1, *slot);
    if (auto st = add_found_totals(q, link_id, out); !st) return st;
  }
  return ok_status();
}

// The link's rows of click_hours_recent in [from_hour, to_hour): one keyed lookup per hour that the
// table holds at all.
Status add_recent_rows(SqliteConn& c, int64_t link_id, int64_t from_hour, int64_t to_hour,
                       std::map<int64_t, HourRollup>& by_hour) {
  auto span = recent_hours(c);
  if (!span) return span.error();
  const int64_t first = std::max(from_hour, span->first);
  const int64_t end = std::min(to_hour, span->end);
  SHORTSTACK_PREPARE(q, c, "SELECT owner_id, clicks, bots, breakdown, visitors FROM click_hours_recent WHERE slot = ?");
  for (int64_t hour = first; hour < end; ++hour) {
    auto slot = recent_slot_of(link_id, hour);
    if (!slot) continue;  // no row can have a key out of range
    q.bind(1, *slot);
    auto this_hour = [hour](const Stmt&) { return std::optional<int64_t>(hour); };
    if (auto st = add_found_row(q, 0, this_hour, by_hour); !st) return st;
  }
  return ok_status();
}

Status add_delta_rows(SqliteConn& c, const std::vector<int64_t>& seqs, int64_t from_hour, int64_t to_hour,
                      std::map<int64_t, HourRollup>& by_hour) {
  SHORTSTACK_PREPARE(q, c, "SELECT hour, owner_id, clicks, bots, breakdown, visitors FROM click_deltas WHERE seq = ?");
  auto hour_in_range = [&](const Stmt& row) {
    const int64_t hour = row.int64(0);
    return hour >= from_hour && hour < to_hour ? std::optional<int64_t>(hour) : std::nullopt;
  };
  for (int64_t seq : seqs) {
    q.bind(1, seq);
    if (auto st = add_found_row(q, 1, hour_in_range, by_hour); !st) return st;
  }
  return ok_status();
}

}  // namespace

SqliteClickStore::SqliteClickStore(std::shared_ptr<store::SqliteDb> db, Options options)
    : db_(std::move(db)), options_(options), last_compaction_(Clock::now().time_since_epoch().count()) {}

Result<std::shared_ptr<SqliteClickStore>> SqliteClickStore::open(std::shared_ptr<store::SqliteDb> db, Options options) {
  std::shared_ptr<SqliteClickStore> s(new SqliteClickStore(std::move(db), options));
  s->index_loader_ = std::thread([raw = s.get()] {
    Status st = raw->load_index();
    std::lock_guard lock(raw->index_mu_);
    raw->index_loaded_ = st;
    raw->index_cv_.notify_all();
  });
  return s;
}

SqliteClickStore::~SqliteClickStore() {
  if (index_loader_.joinable()) index_loader_.join();
}

Status SqliteClickStore::load_index() {
  const auto started = Clock::now();
  auto loaded = db_->read([&](SqliteConn& c) -> Result<size_t> {
    SHORTSTACK_PREPARE(q, c, "SELECT seq, link_id FROM click_deltas ORDER BY seq");
    size_t n = 0;
    for (; q.step(); ++n) index_.add(q.int64(1), q.int64(0));
    if (q.failed()) return q.error();
    return n;
  });
  if (!loaded) {
    log::error("click_deltas_index_failed", {{"error", loaded.error().message}});
    return loaded.error();
  }
  if (*loaded > 0)
    log::info("click_deltas_indexed", {{"rows", static_cast<int64_t>(*loaded)},
                                       {"ms", ms_since(started)}});
  return ok_status();
}

Status SqliteClickStore::await_index() {
  std::unique_lock lock(index_mu_);
  index_cv_.wait(lock, [this] { return index_loaded_.has_value(); });
  return *index_loaded_;
}

Result<RoundApplied> SqliteClickStore::apply(const RoundRollups& round) {
  // Before appending: a delta committed while the index loads could otherwise be indexed twice.
  if (auto st = await_index(); !st) return st.error();
  std::unordered_set<std::string_view> ids;
  for (const auto& b : round.batches) ids.insert(b.id);
  if (ids.size() != round.batches.size()) return internal_error("a click round names one batch twice");
  auto encoded = encode_round(round.rollups);
  if (!encoded) return encoded.error();
  RoundApplied outcome;
  std::vector<std::pair<int64_t, int64_t>> appended;
  // Assumes every batch is new (redelivery is rare); a seen id rolls the whole round back.
  auto written = db_->write<Ok>([&](SqliteConn& c) -> Result<Ok> {
    outcome.seen_before.clear();
    for (const auto& b : round.batches) {
      auto is_new = mark_new(c, b.id, b.events);
      if (!is_new) return is_new.error();
      if (!*is_new) outcome.seen_before.push_back(b.id);
    }
    if (!outcome.seen_before.empty()) return make_error(409, std::string(kSeenBefore), "batches applied before");
    auto rows = append_deltas(c, *encoded);
    if (!rows) return rows.error();
    appended = std::move(*rows);
    return Ok{};
  });
  if (!written) {
    if (written.error().code == kSeenBefore) return outcome;
    return written.error();
  }
  index_.add_all(appended);
  outcome.applied = true;
  return outcome;
}

Status SqliteClickStore::housekeeping() {
  if (auto st = await_index(); !st) return st;
  if (compaction_due()) {
    // On failure the deltas stay where they are, still counted by every read; the next round retries.
    auto folded = compact();
    if (!folded) return folded.error();
  }
  if (archive_check_due()) {
    // On failure the hour stays in click_hours_recent, still counted by every read.
    auto moved = archive_oldest_hour(unix_now() / 3600 - options_.keep_recent.count());
    if (!moved) return moved.error();
    if (*moved > 0) next_archive_check_.store(0);  // more hours may be waiting: look again next round
  }
  return ok_status();
}

bool SqliteClickStore::compaction_due() const {
  const auto since = Clock::now().time_since_epoch().count() - last_compaction_.load();
  return index_.rows() >= options_.compact_max_deltas ||
         (index_.rows() > 0 && since >= std::chrono::duration_cast<Clock::duration>(options_.compact_interval).count());
}

Result<size_t> SqliteClickStore::compact() {
  if (auto st = await_index(); !st) return st.error();
  std::lock_guard lock(compact_mu_);
  const auto started = Clock::now();
  WriterCpu cpu;
  int64_t through = 0;
  auto folded = db_->write<size_t>([&](SqliteConn& c) -> Result<size_t> {
    cpu.start_on_this_thread();
    if (auto st = register_rollup_functions(c); !st) return st.error();
    SHORTSTACK_PREPARE(last, c, "SELECT COALESCE(MAX(seq), 0), COUNT(*) FROM click_deltas");
    if (!last.step()) return last.error();
    through = last.int64(0);
    const auto rows = static_cast<size_t>(last.int64(1));
    if (rows == 0) return size_t{0};
    // One pass sorted hour-major: every link-hour's deltas summed, then added to its row of
    // click_hours_recent, where this round's hours are the table's last pages (the WHERE clause
    // keeps SQLite from reading ON CONFLICT as part of the SELECT).
    SHORTSTACK_PREPARE(hours, c,
                       "INSERT INTO click_hours_recent(slot, link_id, hour, owner_id, clicks, bots, breakdown, visitors) "
                       "SELECT ss_recent_slot(link_id, hour) AS s, MIN(link_id), MIN(hour), MIN(owner_id), SUM(clicks), "
                       "SUM(bots), ss_sum_breakdown(breakdown), ss_union_visitors(visitors) FROM click_deltas "
                       "WHERE seq <= ?1 GROUP BY s ORDER BY s "
                       "ON CONFLICT(slot) DO UPDATE SET " MERGE_ROLLUP_COLUMNS);
    hours.bind(1, through);
    if (auto st = hours.run(); !st) return st.error();
    // No link_totals here: an hour is added to them once, when it is archived.
    // Every delta is <= through: this transaction holds the write lock, so none was appended since
    // MAX(seq) was read. Without a WHERE clause SQLite drops the table's and its index's pages
    // wholesale instead of deleting rows one by one (~10% of a spread compaction).
    if (auto st = c.exec("DELETE FROM click_deltas"); !st) return st.error();
    return rows;
  });
  last_compaction_.store(Clock::now().time_since_epoch().count());
  if (!folded) return folded;
  index_.forget_through(through);
  if (*folded > 0)
    log::info("click_compaction", {{"deltas", static_cast<int64_t>(*folded)},
                                   {"ms", ms_since(started)},
                                   {"cpu_ms", cpu.ms()}});
  return folded;
}

bool SqliteClickStore::archive_check_due() {
  const auto now = Clock::now().time_since_epoch().count();
  if (now < next_archive_check_.load()) return false;
  next_archive_check_.store(now + std::chrono::duration_cast<Clock::duration>(std::chrono::minutes(1)).count());
  return true;
}

Result<size_t> SqliteClickStore::archive_oldest_hour(int64_t before_hour) {
  const auto started = Clock::now();
  WriterCpu cpu;
  int64_t hour = 0;
  auto moved = db_->write<size_t>([&](SqliteConn& c) -> Result<size_t> {
    cpu.start_on_this_thread();
    if (auto st = register_rollup_functions(c); !st) return st.error();
    SHORTSTACK_PREPARE(oldest, c, "SELECT MIN(slot) FROM click_hours_recent");
    if (!oldest.step()) return oldest.error();
    if (oldest.is_null(0)) return size_t{0};
    hour = hour_of_recent_slot(oldest.int64(0));
    if (hour >= before_hour) return size_t{0};
    // Sorted link-major, so the archive's pages are visited in order, each once.
    SHORTSTACK_PREPARE(move, c,
                       "INSERT INTO click_hours(slot, link_id, hour, owner_id, clicks, bots, breakdown, visitors) "
                       "SELECT ss_slot(link_id, hour) AS s, link_id, hour, owner_id, clicks, bots, breakdown, visitors "
                       "FROM click_hours_recent WHERE slot >= ?1 AND slot < ?2 ORDER BY s "
                       "ON CONFLICT(slot) DO UPDATE SET " MERGE_ROLLUP_COLUMNS);
    move.bind(1, first_recent_slot_of_hour(hour)).bind(2, first_recent_slot_of_hour(hour + 1));
    if (auto st = move.run(); !st) return st.error();
    const auto rows = static_cast<size_t>(sqlite3_changes(c.raw()));
    // The hour leaves what readers add to link_totals, so link_totals take it in. A link has one row
    // per hour here, and slot order is link order within an hour: no sort, no grouping.
    SHORTSTACK_PREPARE(totals, c,
                       "INSERT INTO link_totals(link_id, clicks, bots) SELECT link_id, clicks, bots "
                       "FROM click_hours_recent WHERE slot >= ?1 AND slot < ?2 ORDER BY slot "
                       "ON CONFLICT(link_id) DO UPDATE SET clicks = clicks + excluded.clicks, bots = bots + excluded.bots");
    totals.bind(1, first_recent_slot_of_hour(hour)).bind(2, first_recent_slot_of_hour(hour + 1));
    if (auto st = totals.run(); !st) return st.error();
    SHORTSTACK_PREPARE(drop, c, "DELETE FROM click_hours_recent WHERE slot >= ?1 AND slot < ?2");
    drop.bind(1, first_recent_slot_of_hour(hour)).bind(2, first_recent_slot_of_hour(hour + 1));
    if (auto st = drop.run(); !st) return st.error();
    return rows;
  });
  if (moved && *moved > 0)
    log::info("click_hour_archived", {{"hour", hour},
                                      {"rows", static_cast<int64_t>(*moved)},
                                      {"ms", ms_since(started)},
                                      {"cpu_ms", cpu.ms()}});
  return moved;
}

Result<std::vector<HourRow>> SqliteClickStore::hours(int64_t link_id, int64_t from_hour, int64_t to_hour) {
  if (auto st = await_index(); !st) return st.error();
  const std::vector<int64_t> seqs = index_.seqs_of(link_id);
  return db_->read([&](SqliteConn& c) {
    return in_snapshot<std::vector<HourRow>>(c, [&]() -> Result<std::vector<HourRow>> {
      std::map<int64_t, HourRollup> by_hour;
      SHORTSTACK_PREPARE(q, c,
                         "SELECT hour, owner_id, clicks, bots, breakdown, visitors FROM click_hours "
                         "WHERE slot BETWEEN ? AND ? AND hour >= ? AND hour < ?");
      // The slot bounds make this a range scan of the primary key; the hour bounds keep it exact.
      q.bind(1, first_slot_of(link_id)).bind(2, last_slot_of(link_id)).bind(3, from_hour).bind(4, to_hour);
      while (q.step()) {
        auto r = read_rollup(q, 1);
        if (!r) return r.error();
        by_hour[q.int64(0)].merge(*r);
      }
      if (q.failed()) return q.error();
      if (auto st = add_recent_rows(c, link_id, from_hour, to_hour, by_hour); !st) return st.error();
      if (auto st = add_delta_rows(c, seqs, from_hour, to_hour, by_hour); !st) return st.error();
      std::vector<HourRow> rows;
      for (auto& [hour, r] : by_hour) rows.push_back({link_id, hour, std::move(r)});
      return rows;
    });
  });
}

Result<std::unordered_map<int64_t, LinkTotals>> SqliteClickStore::totals(const std::vector<int64_t>& link_ids) {
  if (auto st = await_index(); !st) return st.error();
  std::vector<std::vector<int64_t>> seqs;
  for (int64_t id : link_ids) seqs.push_back(index_.seqs_of(id));
  return db_->read([&](SqliteConn& c) {
    return in_snapshot<TotalsByLink>(c, [&]() -> Result<TotalsByLink> {
      SHORTSTACK_PREPARE(q, c, "SELECT clicks, bots FROM link_totals WHERE link_id = ?");
      SHORTSTACK_PREPARE(d, c, "SELECT clicks, bots FROM click_deltas WHERE seq = ?");
      auto recent = recent_hours(c);
      if (!recent) return recent.error();
      TotalsByLink out;
      for (size_t i = 0; i < link_ids.size(); ++i) {
        const int64_t id = link_ids[i];
        q.bind(1, id);
        if (auto st = add_found_totals(q, id, out); !st) return st.error();
        if (auto st = add_recent_totals(c, id, *recent, out); !st) return st.error();
        for (int64_t seq : seqs[i]) {
          d.bind(1, seq);
          if (auto st = add_found_totals(d, id, out); !st) return st.error();
        }
      }
      return out;
    });
  });
}

Result<std::vector<TopLink>> SqliteClickStore::top(int64_t owner_id, int64_t from_hour, size_t limit) {
  return db_->read([&](SqliteConn& c) -> Result<std::vector<TopLink>> {
    SHORTSTACK_PREPARE(q, c,
                       "SELECT link_id, SUM(clicks) AS n FROM ("
                       "  SELECT link_id, clicks FROM click_hours WHERE owner_id = ?1 AND hour >= ?2"
                       "  UNION ALL"
                       "  SELECT link_id, clicks FROM click_hours_recent WHERE owner_id = ?1 AND hour >= ?2"
                       "  UNION ALL"
                       "  SELECT link_id, clicks FROM click_deltas WHERE owner_id = ?1 AND hour >= ?2) "
                       "GROUP BY link_id HAVING n > 0 ORDER BY n DESC, link_id ASC LIMIT ?3");
    q.bind(1, owner_id).bind(2, from_hour).bind(3, static_cast<int64_t>(limit));
    std::vector<TopLink> out;
    while (q.step()) out.push_back({q.int64(0), q.int64(1)});
    if (q.failed()) return q.error();
    return out;
  });
}

Result<size_t> SqliteClickStore::forget_batches_before(int64_t before_unix) {
  return db_->write<size_t>([&](SqliteConn& c) -> Result<size_t> {
    SHORTSTACK_PREPARE(d, c, "DELETE FROM click_batches WHERE applied_at < ?");
    d.bind(1, before_unix);
    if (auto st = d.run(); !st) return st.error();
    return static_cast<size_t>(sqlite3_changes(c.raw()));
  });
}

}  // namespace shortstack::analytics
