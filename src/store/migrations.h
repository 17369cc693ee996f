#pragma once
#include <vector>

namespace shortstack::store {

// One versioned SQL file from migrations/<dialect>/, compiled in by cmake/EmbedMigrations.cmake.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<Migration>& sqlite_migrations();            // accounts, sessions, links
const std::vector<Migration>& analytics_sqlite_migrations();  // click rollups (analytics.db)
const std::vector<Migration>& postgres_migrations();          // accounts, sessions, links, moderation
const std::vector<Migration>& analytics_postgres_migrations();  // click rollups, in their own database

}  // namespace shortstack::store
