#include "testing/s3_temp.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace shortstack::testing {

std::string test_s3_endpoint() {
  const char* v = std::getenv("SHORTSTACK_TEST_S3");
  if (!v || !*v)
    throw std::runtime_error("SHORTSTACK_TEST_S3 is not set: run the tests with `make test`, or start "
                             "scripts/test-s3.sh DIR start and export the endpoint it prints");
  return v;
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
  static std::atomic<int> n{0};
  auto store = std::make_shared<blobs::S3BlobStore>(
      test_s3_options("t" + std::to_string(getpid()) + "-" + std::to_string(n++)));
  if (auto st = store->create_bucket(); !st) throw std::runtime_error("test S3: " + st.error().message);
  return store;
}

}  // namespace shortstack::testing
