#pragma once
// The test object store: `make test` starts one Swift with s3api (scripts/test-s3.sh) and passes its
// endpoint in $SHORTSTACK_TEST_S3. Each store made here writes to a bucket of its own.
#include <memory>
#include <string>

#include "blobs/s3_blob_store.h"

namespace shortstack::testing {

// Throws (failing the test, never skipping it) when no server was started.
std::string test_s3_endpoint();
blobs::S3Options test_s3_options(const std::string& bucket);
// A new, empty bucket ("t<pid>-<n>") and a store on it.
std::shared_ptr<blobs::S3BlobStore> temp_s3_store();

}  // namespace shortstack::testing
