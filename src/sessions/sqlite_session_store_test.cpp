#include <atomic>

#include "accounts/sqlite_account_store.h"
#include "sessions/session_store_contract.h"
#include "sessions/sqlite_session_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::sessions {
namespace {

SessionBackend make_sqlite() {
  auto db = testing::temp_sqlite_db();
  auto accounts = std::make_shared<accounts::SqliteAccountStore>(db);
  auto counter = std::make_shared<std::atomic<int>>(0);
  return {std::make_shared<SqliteSessionStore>(db), [accounts, counter] {
            return accounts->create_user("u" + std::to_string((*counter)++) + "@example.com", "h", 1)->id;
          }};
}

INSTANTIATE_TEST_SUITE_P(Embedded, SessionStoreContract, ::testing::Values(SessionStoreFactory{"sqlite", make_sqlite}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace shortstack::sessions
