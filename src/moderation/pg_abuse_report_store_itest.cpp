// The AbuseReportStore contract against a real PostgreSQL (the one `make test` starts).
#include "moderation/abuse_report_store_contract.h"
#include "moderation/pg_abuse_report_store.h"
#include "testing/pg_temp.h"

namespace shortstack::moderation {
namespace {

std::shared_ptr<AbuseReportStore> make_postgres() { return std::make_shared<PgAbuseReportStore>(testing::temp_pg_pool()); }

INSTANTIATE_TEST_SUITE_P(Distributed, AbuseReportStoreContract,
                         ::testing::Values(AbuseReportStoreFactory{"postgres", make_postgres}),
                         testing::backend_name<AbuseReportStore>);

}  // namespace
}  // namespace shortstack::moderation
