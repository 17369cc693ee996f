#pragma once
#include <filesystem>

#include "blobs/blob_store.h"

namespace shortstack::blobs {

class DiskBlobStore final : public BlobStore {
 public:
  explicit DiskBlobStore(std::filesystem::path root) : root_(std::move(root)) {}
  Status put(std::string_view key, std::string_view data, std::string_view content_type) override;
  Result<std::optional<std::string>> get(std::string_view key) override;
  Result<bool> remove(std::string_view key) override;
  Result<std::vector<BlobInfo>> list(std::string_view prefix) override;

 private:
  std::filesystem::path root_;
};

}  // namespace shortstack::blobs
