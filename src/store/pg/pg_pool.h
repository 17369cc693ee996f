#pragma once
// A bounded pool of PostgreSQL connections for the blocking pool's threads (event loops never call
// it). At most `size` connections; callers beyond them wait, at most `max_waiters` of them, and the
// rest fail fast with 503 "db_busy" rather than queue without bound. Every operation has one
// client-side deadline (`timeout`) that covers the wait for a connection and the statements; the
// server-side statement_timeout is set on each connection as a startup option (behind PgBouncer,
// which ignores startup options, set it on the role instead: see docs/OPERATIONS.md).
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "store/migrations.h"
#include "store/pg/pg_conn.h"
#include "store/pg/writable_hosts.h"

namespace shortstack::store::pg {

struct PoolOptions {
  std::string url;
  size_t size = 16;
  size_t max_waiters = 64;
  std::chrono::milliseconds timeout{3000};
  std::chrono::milliseconds statement_timeout{2000};
  std::string search_path;  // empty: the server's default (tests use a schema each)
};

class PgPool {
 public:
  // Connects once now, so a wrong URL or a missing server fails at start, not on the first request.
  static Result<std::shared_ptr<PgPool>> open(PoolOptions options);
  // Connects on first use: for servers that may be down at start (read replicas) and are judged by
  // whether they answer later.
  static std::shared_ptr<PgPool> lazy(PoolOptions options);

  using Work = std::function<Result<PgResult>(PgConn&, Clock::time_point deadline)>;
  // Runs `fn` on a leased connection within the pool's deadline.
  template <class T>
  Result<T> run(const std::function<Result<T>(PgConn&, Clock::time_point)>& fn,
                std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    const auto deadline = Clock::now() + timeout.value_or(options_.timeout);
    auto lease = acquire(deadline);
    if (!lease) return lease.error();
    Result<T> r = fn(**lease, deadline);
    release(std::move(*lease));
    return r;
  }
  // The same inside BEGIN ... COMMIT; any error rolls back.
  template <class T>
  Result<T> transaction(const std::function<Result<T>(PgConn&, Clock::time_point)>& fn,
                        std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    return run<T>(
        [&](PgConn& c, Clock::time_point deadline) -> Result<T> {
          if (auto st = c.exec_script("BEGIN", deadline); !st) return st.error();
          Result<T> r = fn(c, deadline);
          if (auto st = c.exec_script(r ? "COMMIT" : "ROLLBACK", deadline); !st) return st.error();
          return r;
        },
        timeout);
  }
  // One statement.
  Result<PgResult> exec(std::string_view sql, const std::vector<Param>& params) {
    return run<PgResult>([&](PgConn& c, Clock::time_point deadline) { return c.exec(sql, params, deadline); });
  }

  // Applies the migrations not yet applied, each in its own transaction under an advisory lock, so
  // several instances starting at once apply each migration exactly once.
  // `table` records what was applied: each database's migration set has its own, so two sets can
  // share one database (the tests, a small deployment).
  Result<int> migrate(const std::vector<Migration>& migrations, const std::string& table = "schema_migrations");

 private:
  PgPool(PoolOptions options, ConnectPlan plan) : options_(std::move(options)), plan_(std::move(plan)) {}
  Result<std::unique_ptr<PgConn>> acquire(Clock::time_point deadline);
  // A new connection to the first candidate that answers (and, for read-write URLs with several
  // hosts, is not a standby), starting with the one that answered last time.
  Result<std::unique_ptr<PgConn>> connect(Clock::time_point deadline);
  void release(std::unique_ptr<PgConn> conn);
  std::string startup_options() const;

  PoolOptions options_;
  ConnectPlan plan_;
  std::atomic<size_t> preferred_{0};
  std::mutex mu_;
  std::condition_variable returned_;
  std::deque<std::unique_ptr<PgConn>> idle_;
  size_t open_ = 0;     // connections out or idle, counting ones being opened
  size_t waiting_ = 0;
};

}  // namespace shortstack::store::pg
