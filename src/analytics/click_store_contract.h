#pragma once
#include "analytics/click_store.h"
#include "testing/contract.h"

namespace shortstack::analytics {

using ClickStoreFactory = testing::BackendFactory<ClickStore>;

class ClickStoreContract : public ::testing::TestWithParam<ClickStoreFactory> {
 protected:
  void SetUp() override { store = GetParam().make(); }
  std::shared_ptr<ClickStore> store;
};

}  // namespace shortstack::analytics
