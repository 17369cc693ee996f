#pragma once
// One libpq connection, used by one thread at a time (the pool hands it out). Statements are sent
// unnamed with text parameters (PQsendQueryParams): they survive PgBouncer in transaction mode,
// which does not track prepared statements (1.18). Every call has a deadline that the client
// enforces itself, so a hung server or network never holds a thread longer than the caller allows;
// on a missed deadline the statement is cancelled and the connection is dropped.
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shortstack::store::pg {

using Clock = std::chrono::steady_clock;

// A statement parameter in text form; nullopt is SQL NULL.
class Param {
 public:
  Param(std::nullopt_t) {}  // NOLINT: implicit by design
  Param(int64_t v) : text_(std::to_string(v)) {}  // NOLINT
  Param(int v) : text_(std::to_string(v)) {}  // NOLINT
  Param(bool v) : text_(v ? "t" : "f") {}  // NOLINT
  Param(std::string_view v) : text_(std::string(v)) {}  // NOLINT
  Param(const std::string& v) : text_(v) {}  // NOLINT
  Param(const char* v) : text_(std::string(v)) {}  // NOLINT
  Param(std::optional<int64_t> v) {  // NOLINT
    if (v) text_ = std::to_string(*v);
  }
  // bytea from raw bytes, in hex form.
  static Param bytes(std::string_view raw);
  const char* c_str() const { return text_ ? text_->c_str() : nullptr; }

 private:
  std::optional<std::string> text_;
};

class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string text(int row, int col) const { return std::string(PQgetvalue(r_.get(), row, col), PQgetlength(r_.get(), row, col)); }
  int64_t int64(int row, int col) const;
  std::optional<int64_t> optional_int64(int row, int col) const;
  bool boolean(int row, int col) const { return PQgetvalue(r_.get(), row, col)[0] == 't'; }
  std::string bytes(int row, int col) const;  // a bytea column, decoded
  int64_t affected() const;                   // rows an INSERT/UPDATE/DELETE touched

 private:
  std::shared_ptr<PGresult> r_;
};

class PgConn {
 public:
  // Connects within the deadline; `options` are libpq startup options ("-c search_path=...").
  static Result<std::unique_ptr<PgConn>> connect(const std::string& url, const std::string& options,
                                                 Clock::time_point deadline);
  ~PgConn();
  PgConn(const PgConn&) = delete;

  // One statement. Errors carry the SQLSTATE: "unique_violation" (409) for 23505, "db_timeout"
  // (503) for a missed deadline or statement_timeout, "db_unavailable" (503) for a lost connection.
  Result<PgResult> exec(std::string_view sql, const std::vector<Param>& params, Clock::time_point deadline);
  // Several statements separated by ';', no parameters (migrations, BEGIN/COMMIT).
  Status exec_script(std::string_view sql, Clock::time_point deadline);
  // False once the connection failed or timed out: the pool then discards it.
  bool healthy() const { return healthy_ && PQstatus(conn_) == CONNECTION_OK; }
  bool in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

 private:
  explicit PgConn(PGconn* c) : conn_(c) {}
  Result<PgResult> wait_result(Clock::time_point deadline);
  bool wait_socket(short events, Clock::time_point deadline);
  Error fail(std::string message, int status = 503, std::string code = "db_unavailable");

  PGconn* conn_;
  bool healthy_ = true;
};

}  // namespace shortstack::store::pg
