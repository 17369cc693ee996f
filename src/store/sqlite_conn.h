#pragma once
// A thin RAII layer over one sqlite3 connection, with a per-connection prepared-statement cache.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

namespace shortstack::store {

class SqliteConn;

// A cached statement in use; resets and clears its bindings when it goes out of scope.
class Stmt {
 public:
  Stmt(sqlite3_stmt* s, SqliteConn& conn) : s_(s), conn_(conn) {}
  Stmt(const Stmt&) = delete;
  ~Stmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Stmt& bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); return *this; }
  Stmt& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Without SQLite's copy: for bytes the caller keeps alive and unchanged until the statement is
  // reset, such as a round's rows encoded into one buffer.
  Stmt& bind_text_unowned(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind_blob_unowned(int i, std::string_view v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  void reset() { sqlite3_reset(s_); }
  Stmt& bind_null(int i) { sqlite3_bind_null(s_, i); return *this; }
  Stmt& bind_optional(int i, std::optional<int64_t> v) { return v ? bind(i, *v) : bind_null(i); }

  // Steps once: true when a row is available, false when done. Errors come back through error().
  bool step();
  Status run();  // steps to completion, for statements that return no rows
  bool failed() const { return rc_ != SQLITE_ROW && rc_ != SQLITE_DONE; }
  int rc() const { return rc_; }
  bool unique_violation() const;
  Error error() const;

  int64_t int64(int col) const { return sqlite3_column_int64(s_, col); }
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::optional<int64_t> optional_int64(int col) const {
    return is_null(col) ? std::nullopt : std::optional<int64_t>(int64(col));
  }
  // Valid until the statement steps again or is reset.
  std::string_view blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(s_, col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string_view();
  }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }

 private:
  sqlite3_stmt* s_;
  SqliteConn& conn_;
  int rc_ = SQLITE_OK;
};

class SqliteConn {
 public:
  // cache_kib: SQLite's page cache for this connection (its default is 2 MiB).
  static Result<std::unique_ptr<SqliteConn>> open(const std::string& path, bool read_only, int64_t cache_kib = 2048);
  ~SqliteConn();
  SqliteConn(const SqliteConn&) = delete;

  Status exec(const char* sql);
  // Statements are cached by their SQL text; pass string literals.
  Result<sqlite3_stmt*> prepare(std::string_view sql);
  sqlite3* raw() { return db_; }
  Error last_error() const;

 private:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string_view, sqlite3_stmt*> cache_;
};

// Prepares (or reuses) a statement, evaluating to an Error out of the enclosing function on failure.
#define SHORTSTACK_PREPARE(var, conn, sql)            \
  auto var##_prepared = (conn).prepare(sql);          \
  if (!var##_prepared) return var##_prepared.error(); \
  ::shortstack::store::Stmt var(*var##_prepared, (conn))

}  // namespace shortstack::store
