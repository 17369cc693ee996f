#include "blobs/blob_store_contract.h"
#include "blobs/disk_blob_store.h"
#include "testing/temp_dir.h"

namespace shortstack::blobs {
namespace {

std::shared_ptr<BlobStore> make_disk() {
  auto dir = std::make_shared<testing::TempDir>();
  return std::shared_ptr<BlobStore>(new DiskBlobStore(dir->path() / "blobs"), [dir](BlobStore* p) { delete p; });
}

INSTANTIATE_TEST_SUITE_P(Embedded, BlobStoreContract, ::testing::Values(BlobStoreFactory{"disk", make_disk}),
                         testing::backend_name<BlobStore>);

TEST(DiskBlobStore, LeavesNoTemporaryFilesBehind) {
  testing::TempDir dir;
  DiskBlobStore store(dir.path());
  ASSERT_TRUE(store.put("a/b", "data", "x"));
  size_t files = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace shortstack::blobs
