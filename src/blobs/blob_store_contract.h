#pragma once
#include "blobs/blob_store.h"
#include "testing/contract.h"

namespace shortstack::blobs {

using BlobStoreFactory = testing::BackendFactory<BlobStore>;

class BlobStoreContract : public ::testing::TestWithParam<BlobStoreFactory> {
 protected:
  void SetUp() override { store = GetParam().make(); }
  std::shared_ptr<BlobStore> store;
};

}  // namespace shortstack::blobs
