#include "testing/s3_temp.h"

#include "testing/test_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shortstack::testing {

std::string test_s3_endpoint() {
  return required_env("SHORTSTACK_TEST_S3", "start scripts/test-s3.sh DIR start and export the endpoint it prints");
}

blobs::S3Options test_s3_options(const std::string& bucket) {
  blobs::S3Options o;
  o.endpoint = test_s3_endpoint();
  o.region = "us-east-1";
  o.bucket = bucket;
  o.access_key = "test:tester";
  o.secret_key = "testing";
  return o;
}

std::shared_ptr<blobs::S3BlobStore> temp_s3_store() {
  auto store = std::make_shared<blobs::S3BlobStore>(test_s3_options(unique_test_name("t", "-")));
  if (auto st = store->create_bucket(); !st) throw std::runtime_error("test S3: " + st.error().message);
  return store;
}

}  // namespace shortstack::testing
