#include "moderation/abuse_report_store_contract.h"
#include "moderation/sqlite_abuse_report_store.h"
#include "testing/sqlite_temp.h"

namespace shortstack::moderation {
namespace {

std::shared_ptr<AbuseReportStore> make_sqlite() { return std::make_shared<SqliteAbuseReportStore>(testing::temp_sqlite_db()); }

INSTANTIATE_TEST_SUITE_P(Embedded, AbuseReportStoreContract,
                         ::testing::Values(AbuseReportStoreFactory{"sqlite", make_sqlite}),
                         testing::backend_name<AbuseReportStore>);

}  // namespace
}  // namespace shortstack::moderation
