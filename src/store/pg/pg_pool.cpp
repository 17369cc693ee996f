#include "store/pg/pg_pool.h"

#include "core/time_format.h"
#include "log/log.h"

namespace shortstack::store::pg {

Result<std::shared_ptr<PgPool>> PgPool::open(PoolOptions options) {
  std::string error;
  auto plan = plan_connect(options.url, &error);
  if (!plan) return make_error(503, "db_unavailable", error);
  std::shared_ptr<PgPool> pool(new PgPool(std::move(options), std::move(*plan)));
  auto first = pool->acquire(Clock::now() + pool->options_.timeout);
  if (!first) return first.error();
  pool->release(std::move(*first));
  return pool;
}

std::shared_ptr<PgPool> PgPool::lazy(PoolOptions options) {
  // A URL libpq cannot parse is kept as it is: its connections fail, and say why, when first used.
  auto plan = plan_connect(options.url).value_or(ConnectPlan{{options.url}, false});
  return std::shared_ptr<PgPool>(new PgPool(std::move(options), std::move(plan)));
}

Result<std::unique_ptr<PgConn>> PgPool::connect(Clock::time_point deadline) {
  const size_t n = plan_.candidates.size();
  const size_t first = preferred_.load(std::memory_order_relaxed);
  std::optional<Error> last;
  for (size_t i = 0; i < n && Clock::now() < deadline; ++i) {
    const size_t k = (first + i) % n;
    auto conn = PgConn::connect(plan_.candidates[k], startup_options(), deadline);
    if (!conn) {
      last = conn.error();
      continue;
    }
    if (plan_.must_be_writable) {
      auto standby = (*conn)->exec("SELECT pg_is_in_recovery()", {}, deadline);
      if (!standby) {
        last = standby.error();
        continue;
      }
      if (standby->boolean(0, 0)) {
        last = make_error(503, "db_unavailable", "no server among the PostgreSQL hosts accepts writes");
        continue;
      }
    }
    preferred_.store(k, std::memory_order_relaxed);
    return conn;
  }
  if (!last) return make_error(503, "db_timeout", "timed out connecting to PostgreSQL");
  return *last;
}

std::string PgPool::startup_options() const {
  std::string o = "-c statement_timeout=" + std::to_string(options_.statement_timeout.count());
  if (!options_.search_path.empty()) o += " -c search_path=" + options_.search_path;
  return o;
}

Result<std::unique_ptr<PgConn>> PgPool::acquire(Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (!idle_.empty()) {
      auto conn = std::move(idle_.front());
      idle_.pop_front();
      return conn;
    }
    if (open_ < options_.size) break;
    if (waiting_ >= options_.max_waiters)
      return make_error(503, "db_busy", "every database connection is busy and the wait queue is full");
    ++waiting_;
    const bool woke = returned_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < options_.size; });
    --waiting_;
    if (!woke) return make_error(503, "db_timeout", "no database connection became free in time");
  }
  ++open_;  // reserve the slot, then connect without holding the lock
  lock.unlock();
  auto conn = connect(deadline);
  if (!conn) {
    lock.lock();
    --open_;
    returned_.notify_one();
    return conn.error();
  }
  return conn;
}

void PgPool::release(std::unique_ptr<PgConn> conn) {
  std::lock_guard lock(mu_);
  // A connection that failed, timed out or was left inside a transaction is not reused.
  if (conn->healthy() && !conn->in_transaction()) idle_.push_back(std::move(conn));
  else --open_;
  returned_.notify_one();
}

Result<int> PgPool::migrate(const std::vector<Migration>& migrations, const std::string& table) {
  int applied = 0;
  for (const Migration& m : migrations) {
    auto done = transaction<bool>([&](PgConn& c, Clock::time_point deadline) -> Result<bool> {
      // One migrator at a time across every process; the lock ends with the transaction. Schema
      // changes may run long: no statement_timeout here, only the migration's own deadline.
      if (auto st = c.exec_script("SET LOCAL statement_timeout = 0", deadline); !st) return st.error();
      if (auto r = c.exec("SELECT pg_advisory_xact_lock(7235104)", {}, deadline); !r) return r.error();
      if (auto st = c.exec_script("CREATE TABLE IF NOT EXISTS " + table + " (version INTEGER PRIMARY KEY, "
                                  "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                                  deadline);
          !st)
        return st.error();
      auto seen = c.exec("SELECT 1 FROM " + table + " WHERE version = $1", {m.version}, deadline);
      if (!seen) return seen.error();
      if (seen->rows() > 0) return false;
      if (auto st = c.exec_script(m.sql, deadline); !st) return st.error();
      auto row = c.exec("INSERT INTO " + table + "(version, name, applied_at) VALUES($1, $2, $3)",
                        {m.version, m.name, unix_now()}, deadline);
      if (!row) return row.error();
      return true;
    }, std::chrono::minutes(10));
    if (!done) return make_error(500, "migration_failed", std::string(m.name) + ": " + done.error().message);
    if (*done) {
      log::info("migration_applied", {{"version", m.version}, {"name", m.name}, {"database", "postgres"}, {"table", table}});
      ++applied;
    }
  }
  return applied;
}

}  // namespace shortstack::store::pg
