#pragma once
#include "cache/cache.h"
#include "testing/contract.h"

namespace shortstack::cache {

using CacheFactory = testing::BackendFactory<Cache>;

class CacheContract : public ::testing::TestWithParam<CacheFactory> {
 protected:
  void SetUp() override { cache = GetParam().make(); }
  std::shared_ptr<Cache> cache;
};

}  // namespace shortstack::cache
