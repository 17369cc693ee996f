// The AccountStore contract against a real PostgreSQL (the one `make test` starts).
#include "accounts/account_store_contract.h"
#include "accounts/pg_account_store.h"
#include "testing/pg_temp.h"

namespace shortstack::accounts {
namespace {

std::shared_ptr<AccountStore> make_postgres() { return std::make_shared<PgAccountStore>(testing::temp_pg_pool()); }
std::shared_ptr<AccountStore> make_via_pgbouncer() {
  return std::make_shared<PgAccountStore>(testing::temp_pgbouncer_pool());
}

INSTANTIATE_TEST_SUITE_P(Distributed, AccountStoreContract,
                         ::testing::Values(AccountStoreFactory{"postgres", make_postgres},
                                           AccountStoreFactory{"postgres_via_pgbouncer", make_via_pgbouncer}),
                         testing::backend_name<AccountStore>);

}  // namespace
}  // namespace shortstack::accounts
