#pragma once
#include <memory>

#include "store/sqlite_db.h"

namespace shortstack::testing {

// A migrated SQLite database in a temporary directory that is removed when the last owner lets go.
std::shared_ptr<store::SqliteDb> temp_sqlite_db();
// The same with the analytics schema (click rollups).
std::shared_ptr<store::SqliteDb> temp_analytics_db();

}  // namespace shortstack::testing
