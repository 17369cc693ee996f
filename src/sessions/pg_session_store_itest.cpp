// The SessionStore contract against a real PostgreSQL (the one `make test` starts).
#include "accounts/pg_account_store.h"
#include "sessions/pg_session_store.h"
#include "sessions/session_store_contract.h"
#include "testing/pg_temp.h"

namespace shortstack::sessions {
namespace {

SessionBackend make_postgres() {
  auto pool = testing::temp_pg_pool();
  auto accounts = std::make_shared<accounts::PgAccountStore>(pool);
  auto users = std::make_shared<int>(0);
  return {std::make_shared<PgSessionStore>(pool), [accounts, users] {
            return accounts->create_user("s" + std::to_string(++*users) + "@example.com", "h", 1)->id;
          }};
}

INSTANTIATE_TEST_SUITE_P(Distributed, SessionStoreContract, ::testing::Values(SessionStoreFactory{"postgres", make_postgres}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace shortstack::sessions
