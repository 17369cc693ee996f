#include "store/sqlite_conn.h"

namespace shortstack::store {

bool Stmt::step() {
  rc_ = sqlite3_step(s_);
  return rc_ == SQLITE_ROW;
}

Status Stmt::run() {
  while (step()) {
  }
  if (failed()) return error();
  return ok_status();
}

bool Stmt::unique_violation() const {
  return rc_ == SQLITE_CONSTRAINT &&
         (sqlite3_extended_errcode(conn_.raw()) == SQLITE_CONSTRAINT_UNIQUE ||
          sqlite3_extended_errcode(conn_.raw()) == SQLITE_CONSTRAINT_PRIMARYKEY);
}

Error Stmt::error() const { return conn_.last_error(); }

Result<std::unique_ptr<SqliteConn>> SqliteConn::open(const std::string& path, bool read_only, int64_t cache_kib) {
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return internal_error("cannot open " + path + ": " + msg);
  }
  std::unique_ptr<SqliteConn> conn(new SqliteConn(db));
  sqlite3_busy_timeout(db, 5000);
  // WAL lets readers run beside the single writer; synchronous=FULL fsyncs the WAL at every commit,
  // which is what "acknowledged means durable" needs. Group commit (SqliteDb) pays for it.
  const char* pragmas = read_only ? "PRAGMA query_only=1;"
                                  : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
  if (auto st = conn->exec(pragmas); !st) return st.error();
  const std::string cache = "PRAGMA cache_size=-" + std::to_string(cache_kib) + ";";
  if (auto st = conn->exec(cache.c_str()); !st) return st.error();
  return conn;
}

SqliteConn::~SqliteConn() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status SqliteConn::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return internal_error("sqlite: " + msg);
  }
  return ok_status();
}

Result<sqlite3_stmt*> SqliteConn::prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK)
    return last_error();
  cache_.emplace(sql, stmt);
  return stmt;
}

Error SqliteConn::last_error() const { return internal_error(std::string("sqlite: ") + sqlite3_errmsg(db_)); }

}  // namespace shortstack::store
