#include "testing/sqlite_temp.h"

#include <stdexcept>

#include "testing/temp_dir.h"

namespace shortstack::testing {

namespace {

std::shared_ptr<store::SqliteDb> temp_db(const std::vector<store::Migration>& schema) {
  auto dir = std::make_shared<TempDir>();
  auto db = store::SqliteDb::open(dir->file("test.db"));
  if (!db) throw std::runtime_error(db.error().message);
  if (auto m = (*db)->migrate(schema); !m) throw std::runtime_error(m.error().message);
  // The database closes before its directory is removed: the deleter holds the directory.
  auto raw = *db;
  return std::shared_ptr<store::SqliteDb>(raw.get(), [raw, dir](store::SqliteDb*) mutable { raw.reset(); });
}

}  // namespace

std::shared_ptr<store::SqliteDb> temp_sqlite_db() { return temp_db(store::sqlite_migrations()); }
std::shared_ptr<store::SqliteDb> temp_analytics_db() { return temp_db(store::analytics_sqlite_migrations()); }

}  // namespace shortstack::testing
