#include "testing/sqlite_temp.h"

#include <stdexcept>

#include "testing/temp_dir.h"

namespace shortstack::testing {

std::shared_ptr<store::SqliteDb> temp_sqlite_db() {
  auto dir = std::make_shared<TempDir>();
  auto db = store::SqliteDb::open(dir->file("test.db"));
  if (!db) throw std::runtime_error(db.error().message);
  if (auto m = (*db)->migrate(); !m) throw std::runtime_error(m.error().message);
  // The database closes before its directory is removed: the deleter holds the directory.
  auto raw = *db;
  return std::shared_ptr<store::SqliteDb>(raw.get(), [raw, dir](store::SqliteDb*) mutable { raw.reset(); });
}

}  // namespace shortstack::testing
