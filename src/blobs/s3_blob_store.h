#pragma once
// The BlobStore on an S3 API (stage 3 and up): AWS S3, MinIO, or OpenStack Swift with s3api (what
// the tests run). Requests are signed with SigV4 by libcurl, and each carries the SHA-256 of its
// body, so the signature covers the bytes too. Path-style (endpoint/bucket/key) or virtual-host
// (bucket.endpoint/key) addressing; credentials are never logged. Blocking: call it from the
// blocking pool or a background thread, never from an event loop.
#include <chrono>
#include <string>

#include "blobs/blob_store.h"

namespace shortstack::blobs {

struct S3Options {
  std::string endpoint = "https://s3.amazonaws.com";  // scheme://host[:port]
  std::string region = "us-east-1";
  std::string bucket;
  std::string access_key;
  std::string secret_key;
  bool path_style = true;
  std::chrono::milliseconds timeout{10000};
  int list_page_size = 1000;  // keys per ListObjectsV2 page (1,000 is S3's most)
};

class S3BlobStore final : public BlobStore {
 public:
  explicit S3BlobStore(S3Options options) : options_(std::move(options)) {}
  Status put(std::string_view key, std::string_view data, std::string_view content_type) override;
  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<bool> remove(std::string_view key) override;
  Result<std::vector<BlobInfo>> list(std::string_view prefix) override;
  // Creates the bucket (an existing one of ours is fine); for set-up scripts and tests.
  Status create_bucket();

 private:
  struct Response {
    long status = 0;
    std::string body;
  };
  Result<Response> request(const std::string& method, std::string_view key, const std::string& query,
                           std::string_view body, std::string_view content_type);
  std::string url_for(std::string_view key, const std::string& query) const;

  S3Options options_;
};

}  // namespace shortstack::blobs
