#pragma once
#include "accounts/account_store.h"
#include "testing/contract.h"

namespace shortstack::accounts {

using AccountStoreFactory = testing::BackendFactory<AccountStore>;

class AccountStoreContract : public ::testing::TestWithParam<AccountStoreFactory> {
 protected:
  void SetUp() override { store = GetParam().make(); }
  std::shared_ptr<AccountStore> store;
};

}  // namespace shortstack::accounts
