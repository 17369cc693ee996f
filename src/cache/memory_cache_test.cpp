#include "cache/cache_contract.h"
#include "cache/memory_cache.h"

namespace shortstack::cache {
namespace {

std::shared_ptr<Cache> make_memory() { return std::make_shared<MemoryCache>(10000); }

INSTANTIATE_TEST_SUITE_P(Embedded, CacheContract, ::testing::Values(CacheFactory{"memory", make_memory}),
                         testing::backend_name<Cache>);

}  // namespace
}  // namespace shortstack::cache
