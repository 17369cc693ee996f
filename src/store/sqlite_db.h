#pragma once
// One SQLite database file: a pool of read connections, and a single writer thread that commits
// the writes of many callers in one transaction (group commit). Each caller's work runs in its own
// SAVEPOINT, so one caller's failure never rolls back another's, and write() returns only after the
// transaction holding it is durable.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/migrations.h"
#include "store/sqlite_conn.h"

namespace shortstack::store {

class SqliteDb {
 public:
  struct Options {
    size_t read_connections = 8;
    size_t max_batch = 512;
    // The writer's page cache. Click rounds upsert rows all over link_clicks; with SQLite's 2 MiB
    // default each upsert also pread()s its B-tree pages from the kernel (bench/RESULTS.md).
    int64_t writer_cache_kib = 64 * 1024;
  };
  static Result<std::shared_ptr<SqliteDb>> open(const std::string& path, Options options);
  static Result<std::shared_ptr<SqliteDb>> open(const std::string& path) { return open(path, Options{}); }
  ~SqliteDb();

  // Applies those of `migrations` (one of store/migrations.h's sets) not yet applied; returns how many.
  Result<int> migrate(const std::vector<Migration>& migrations);
  Result<int> schema_version();

  template <class F>
  auto read(F&& fn) -> decltype(fn(std::declval<SqliteConn&>())) {
    const auto started = std::chrono::steady_clock::now();
    Lease lease(*this);
    auto result = fn(*lease.conn);
    observe_read(started);
    return result;
  }

  template <class T>
  Result<T> write(const std::function<Result<T>(SqliteConn&)>& fn) {
    std::optional<Result<T>> result;
    Status committed = submit([&](SqliteConn& c) {
      result.emplace(fn(c));
      return result->ok();
    });
    if (!committed) return committed.error();
    return std::move(*result);
  }

 private:
  struct Job {
    std::function<bool(SqliteConn&)> run;
    std::optional<Status> done;
  };
  struct Lease {
    explicit Lease(SqliteDb& db);
    ~Lease();
    SqliteDb& db;
    std::unique_ptr<SqliteConn> conn;
  };

  static void observe_read(std::chrono::steady_clock::time_point started);
  SqliteDb(std::string path, Options options, std::unique_ptr<SqliteConn> writer);
  Status submit(std::function<bool(SqliteConn&)> run);
  void writer_loop();
  Status commit_batch(std::vector<Job*>& batch);

  std::string path_;
  Options options_;
  std::unique_ptr<SqliteConn> writer_conn_;

  std::mutex write_mu_;
  std::condition_variable write_cv_;    // jobs queued, or stop
  std::condition_variable written_cv_;  // a batch finished
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<std::unique_ptr<SqliteConn>> idle_readers_;
  size_t readers_open_ = 0;
};

}  // namespace shortstack::store
