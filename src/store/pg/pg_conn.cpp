#include "store/pg/pg_conn.h"

#include <poll.h>

#include <charconv>

#include "core/crypto.h"

namespace shortstack::store::pg {
namespace {

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 60'000));
}

std::string trimmed_error(const char* message) {
  std::string s = message ? message : "unknown error";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Param Param::bytes(std::string_view raw) { return Param(std::string("\\x") + hex(raw)); }

int64_t PgResult::int64(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  int64_t out = 0;
  std::from_chars(v, v + PQgetlength(r_.get(), row, col), out);
  return out;
}

std::optional<int64_t> PgResult::optional_int64(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return int64(row, col);
}

std::string PgResult::bytes(int row, int col) const {
  size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}

int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(r_.get());
  int64_t out = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), out);
  return out;
}

Result<std::unique_ptr<PgConn>> PgConn::connect(const std::string& url, const std::string& options,
                                                Clock::time_point deadline) {
  // The URL (or key=value string) is expanded in place of dbname; the options keyword adds to it.
  const char* keys[] = {"dbname", options.empty() ? nullptr : "options", nullptr};
  const char* values[] = {url.c_str(), options.empty() ? nullptr : options.c_str(), nullptr};
  PGconn* c = PQconnectStartParams(keys, values, 1);
  if (!c) return make_error(503, "db_unavailable", "out of memory connecting to PostgreSQL");
  std::unique_ptr<PgConn> conn(new PgConn(c));
  if (PQstatus(c) == CONNECTION_BAD) return conn->fail("cannot connect: " + trimmed_error(PQerrorMessage(c)));
  for (;;) {
    const PostgresPollingStatusType st = PQconnectPoll(c);
    if (st == PGRES_POLLING_OK) break;
    if (st == PGRES_POLLING_FAILED) return conn->fail("cannot connect: " + trimmed_error(PQerrorMessage(c)));
    if (!conn->wait_socket(st == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline))
      return conn->fail("timed out connecting to PostgreSQL", 503, "db_timeout");
  }
  if (PQsetnonblocking(c, 1) != 0) return conn->fail("cannot make the connection non-blocking");
  // Server notices ("already exists, skipping") would go to stderr outside our JSON log lines.
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
  return conn;
}

PgConn::~PgConn() { PQfinish(conn_); }

Error PgConn::fail(std::string message, int status, std::string code) {
  healthy_ = false;
  return make_error(status, std::move(code), std::move(message));
}

bool PgConn::wait_socket(short events, Clock::time_point deadline) {
  pollfd p{PQsocket(conn_), events, 0};
  for (;;) {
    const int ms = remaining_ms(deadline);
    if (ms == 0) return false;
    const int rc = poll(&p, 1, ms);
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
  }
}

Result<PgResult> PgConn::exec(std::string_view sql, const std::vector<Param>& params, Clock::time_point deadline) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p.c_str());
  const std::string text(sql);
  if (!PQsendQueryParams(conn_, text.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0))
    return fail("cannot send: " + trimmed_error(PQerrorMessage(conn_)));
  return wait_result(deadline);
}

Status PgConn::exec_script(std::string_view sql, Clock::time_point deadline) {
  const std::string text(sql);
  if (!PQsendQuery(conn_, text.c_str())) return fail("cannot send: " + trimmed_error(PQerrorMessage(conn_)));
  auto r = wait_result(deadline);
  if (!r) return r.error();
  return ok_status();
}

// Flushes, then reads until libpq has every result of the statement; the last one decides.
Result<PgResult> PgConn::wait_result(Clock::time_point deadline) {
  for (int flushed = PQflush(conn_); flushed != 0; flushed = PQflush(conn_)) {
    if (flushed < 0 || !wait_socket(POLLOUT, deadline)) return fail("cannot send the statement", 503, "db_timeout");
  }
  std::optional<PgResult> last;
  std::optional<Error> error;
  for (;;) {
    while (PQisBusy(conn_)) {
      if (!wait_socket(POLLIN, deadline)) {
        // Ask the server to stop, then drop the connection: its state is unknown.
        if (PGcancel* cancel = PQgetCancel(conn_)) {
          char buf[256];
          PQcancel(cancel, buf, sizeof buf);
          PQfreeCancel(cancel);
        }
        return fail("PostgreSQL did not answer in time", 503, "db_timeout");
      }
      if (!PQconsumeInput(conn_)) return fail("connection lost: " + trimmed_error(PQerrorMessage(conn_)));
    }
    PGresult* r = PQgetResult(conn_);
    if (!r) break;
    PgResult held(r);
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR || st == PGRES_BAD_RESPONSE) {
      const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      const std::string sqlstate = state ? state : "";
      const std::string message = trimmed_error(PQresultErrorMessage(r));
      if (!error) {
        if (sqlstate == "23505") error = make_error(409, "unique_violation", message);
        else if (sqlstate == "57014") error = make_error(503, "db_timeout", message);  // statement_timeout
        else if (sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57P", 0) == 0) error = fail(message);
        // A write reached a standby: a connection kept across a demotion (through PgBouncer, which
        // outlives its node's role). Dropping it sends the next connect to the new primary.
        else if (sqlstate == "25006") error = fail(message);
        else error = internal_error("PostgreSQL: " + message);
      }
    }
    last.emplace(std::move(held));
  }
  if (PQstatus(conn_) != CONNECTION_OK) return fail("connection lost: " + trimmed_error(PQerrorMessage(conn_)));
  if (error) return *error;
  if (!last) return internal_error("PostgreSQL returned no result");
  return *last;
}

}  // namespace shortstack::store::pg
