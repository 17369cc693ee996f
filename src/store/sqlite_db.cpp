#include "store/sqlite_db.h"

#include <chrono>
#include <filesystem>

#include "core/thread_name.h"
#include "core/time_format.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "store/migrations.h"

namespace shortstack::store {

Result<std::shared_ptr<SqliteDb>> SqliteDb::open(const std::string& path, Options options) {
  auto writer = SqliteConn::open(path, false, options.writer_cache_kib);
  if (!writer) return writer.error();
  return std::shared_ptr<SqliteDb>(new SqliteDb(path, options, std::move(*writer)));
}

SqliteDb::SqliteDb(std::string path, Options options, std::unique_ptr<SqliteConn> writer)
    : path_(std::move(path)), options_(options), writer_conn_(std::move(writer)) {
  writer_ = std::thread([this] {
    name_this_thread("sqlite-" + std::filesystem::path(path_).stem().string());
    writer_loop();
  });
}

SqliteDb::~SqliteDb() {
  {
    std::lock_guard lock(write_mu_);
    stopping_ = true;
  }
  write_cv_.notify_all();
  writer_.join();
}

Result<int> SqliteDb::schema_version() {
  return write<int>([](SqliteConn& c) -> Result<int> {
    if (auto st = c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
                         "NULL, applied_at INTEGER NOT NULL)");
        !st)
      return st.error();
    SHORTSTACK_PREPARE(q, c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!q.step()) return q.error();
    return static_cast<int>(q.int64(0));
  });
}

Result<int> SqliteDb::migrate(const std::vector<Migration>& migrations) {
  auto current = schema_version();
  if (!current) return current.error();
  int applied = 0;
  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    // Each migration commits on its own, with its version row, so a failure leaves a known version.
    auto r = write<int>([&m](SqliteConn& c) -> Result<int> {
      if (auto st = c.exec(m.sql); !st) return st.error();
      SHORTSTACK_PREPARE(ins, c, "INSERT INTO schema_migrations(version, name, applied_at) VALUES(?, ?, ?)");
      ins.bind(1, int64_t{m.version}).bind(2, std::string_view(m.name)).bind(3, unix_now());
      if (auto st = ins.run(); !st) return st.error();
      return 1;
    });
    if (!r) return make_error(500, "migration_failed", std::string(m.name) + ": " + r.error().message);
    log::info("migration_applied", {{"version", m.version}, {"name", m.name}});
    ++applied;
  }
  return applied;
}

Status SqliteDb::submit(std::function<bool(SqliteConn&)> run) {
  const auto started = std::chrono::steady_clock::now();
  Job job{std::move(run), std::nullopt};
  std::unique_lock lock(write_mu_);
  queue_.push_back(&job);
  write_cv_.notify_one();
  written_cv_.wait(lock, [&] { return job.done.has_value(); });
  metrics::registry().store_write_latency.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return std::move(*job.done);
}

void SqliteDb::writer_loop() {
  std::vector<Job*> batch;
  for (;;) {
    {
      std::unique_lock lock(write_mu_);
      write_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    Status st = commit_batch(batch);
    {
      std::lock_guard lock(write_mu_);
      for (Job* j : batch) j->done = st;
    }
    written_cv_.notify_all();
    batch.clear();
  }
}

Status SqliteDb::commit_batch(std::vector<Job*>& batch) {
  SqliteConn& c = *writer_conn_;
  if (auto st = c.exec("BEGIN IMMEDIATE"); !st) return st;
  auto abort = [&c](Status st) {
    (void)c.exec("ROLLBACK");  // best effort: the error being returned is the one that matters
    log::error("store_commit_failed", {{"error", st.error().message}});
    return st;
  };
  for (Job* j : batch) {
    if (auto st = c.exec("SAVEPOINT job"); !st) return abort(st);
    bool keep = false;
    try {
      keep = j->run(c);
    } catch (const std::exception& e) {
      log::error("store_write_exception", {{"error", e.what()}});
    }
    if (!keep) {
      if (auto st = c.exec("ROLLBACK TO job"); !st) return abort(st);
    }
    if (auto st = c.exec("RELEASE job"); !st) return abort(st);
  }
  if (auto st = c.exec("COMMIT"); !st) return abort(st);
  return ok_status();
}

void SqliteDb::observe_read(std::chrono::steady_clock::time_point started) {
  metrics::registry().store_read_latency.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

SqliteDb::Lease::Lease(SqliteDb& d) : db(d) {
  std::unique_lock lock(db.read_mu_);
  for (;;) {
    if (!db.idle_readers_.empty()) {
      conn = std::move(db.idle_readers_.back());
      db.idle_readers_.pop_back();
      break;
    }
    if (db.readers_open_ < db.options_.read_connections) {
      ++db.readers_open_;
      lock.unlock();
      auto opened = SqliteConn::open(db.path_, true);
      // A reader that cannot open falls back to waiting for one that did; the writer connection
      // already proved the file opens, so this is only reached under fd exhaustion.
      if (opened) {
        conn = std::move(*opened);
        break;
      }
      lock.lock();
      --db.readers_open_;
    }
    db.read_cv_.wait(lock);
  }
}

SqliteDb::Lease::~Lease() {
  {
    std::lock_guard lock(db.read_mu_);
    db.idle_readers_.push_back(std::move(conn));
  }
  db.read_cv_.notify_one();
}

}  // namespace shortstack::store
