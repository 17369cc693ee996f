#pragma once
#include "links/link_store.h"
#include "testing/contract.h"

namespace shortstack::links {

using LinkStoreFactory = testing::BackendFactory<LinkStore>;

class LinkStoreContract : public ::testing::TestWithParam<LinkStoreFactory> {
 protected:
  void SetUp() override { store = GetParam().make(); }
  std::shared_ptr<LinkStore> store;
};

}  // namespace shortstack::links
