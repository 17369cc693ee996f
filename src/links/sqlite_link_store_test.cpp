#include "links/link_store_contract.h"
#include "links/sqlite_link_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::links {
namespace {

std::shared_ptr<LinkStore> make_sqlite() { return std::make_shared<SqliteLinkStore>(testing::temp_sqlite_db()); }

INSTANTIATE_TEST_SUITE_P(Embedded, LinkStoreContract, ::testing::Values(LinkStoreFactory{"sqlite", make_sqlite}),
                         testing::backend_name<LinkStore>);

}  // namespace
}  // namespace shortstack::links
