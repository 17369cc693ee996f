// The BlobStore contract against a real S3 API (OpenStack Swift with s3api, started by `make test`).
#include <unistd.h>

#include "blobs/blob_store_contract.h"
#include "blobs/s3_blob_store.h"
#include "testing/s3_temp.h"

namespace shortstack::blobs {
namespace {

std::shared_ptr<BlobStore> make_s3() { return testing::temp_s3_store(); }

INSTANTIATE_TEST_SUITE_P(Distributed, BlobStoreContract, ::testing::Values(BlobStoreFactory{"s3", make_s3}),
                         testing::backend_name<BlobStore>);

TEST(S3BlobStore, AWrongSecretIsRefusedNotIgnored) {
  auto good = testing::temp_s3_store();
  ASSERT_TRUE(good->put("secret/doc", "x", "text/plain"));
  auto bad_options = testing::test_s3_options("t-wrong");
  bad_options.secret_key = "not-the-secret";
  S3BlobStore bad(bad_options);
  auto r = bad.put("k", "x", "text/plain");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "blob_store_error");
}

TEST(S3BlobStore, ListingsPageThroughManyKeys) {
  S3Options o = testing::test_s3_options("t-paging-" + std::to_string(::getpid()));
  S3BlobStore store(o);
  ASSERT_TRUE(store.create_bucket());
  o.list_page_size = 4;  // so 11 keys take three pages
  S3BlobStore paged(o);
  for (int i = 0; i < 11; ++i) ASSERT_TRUE(store.put("many/" + std::to_string(100 + i), "x", "text/plain"));
  ASSERT_TRUE(store.put("other/1", "x", "text/plain"));
  auto listed = paged.list("many/");
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 11u);
  EXPECT_EQ(listed->front().key, "many/100");
  EXPECT_EQ(listed->back().key, "many/110");
}

}  // namespace
}  // namespace shortstack::blobs
