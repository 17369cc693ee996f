// The LinkStore contract against a real PostgreSQL (the one `make test` starts).
#include "links/link_store_contract.h"
#include "links/pg_link_store.h"
#include "testing/pg_temp.h"

namespace shortstack::links {
namespace {

std::shared_ptr<LinkStore> make_postgres() { return std::make_shared<PgLinkStore>(testing::temp_pg_pool()); }
// Through PgBouncer in transaction mode: the unnamed statements must survive it.
std::shared_ptr<LinkStore> make_via_pgbouncer() { return std::make_shared<PgLinkStore>(testing::temp_pgbouncer_pool()); }

INSTANTIATE_TEST_SUITE_P(Distributed, LinkStoreContract,
                         ::testing::Values(LinkStoreFactory{"postgres", make_postgres},
                                           LinkStoreFactory{"postgres_via_pgbouncer", make_via_pgbouncer}),
                         testing::backend_name<LinkStore>);

}  // namespace
}  // namespace shortstack::links
