#pragma once
#include "moderation/abuse_report_store.h"
#include "testing/contract.h"

namespace shortstack::moderation {

using AbuseReportStoreFactory = testing::BackendFactory<AbuseReportStore>;

class AbuseReportStoreContract : public ::testing::TestWithParam<AbuseReportStoreFactory> {
 protected:
  void SetUp() override { store = GetParam().make(); }
  std::shared_ptr<AbuseReportStore> store;
};

}  // namespace shortstack::moderation
