#include "accounts/account_store_contract.h"
#include "accounts/sqlite_account_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::accounts {
namespace {

std::shared_ptr<AccountStore> make_sqlite() { return std::make_shared<SqliteAccountStore>(testing::temp_sqlite_db()); }

INSTANTIATE_TEST_SUITE_P(Embedded, AccountStoreContract, ::testing::Values(AccountStoreFactory{"sqlite", make_sqlite}),
                         testing::backend_name<AccountStore>);

}  // namespace
}  // namespace shortstack::accounts
