#pragma once
// The BlobStore seam: named immutable-ish objects (QR images, uploads, click archives).
// Backends: local disk (stage 1); S3 later. Keys are paths like "qr/abc.png": [A-Za-z0-9._/-],
// no empty segments, no "." or ".." segments.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace shortstack::blobs {

struct BlobInfo {
  std::string key;
  size_t size = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Durable when it returns: a reader after a crash sees the whole object or the previous one.
  virtual Status put(std::string_view key, std::string_view data, std::string_view content_type) = 0;
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  virtual Result<bool> remove(std::string_view key) = 0;
  // Keys starting with prefix, in lexicographic order.
  virtual Result<std::vector<BlobInfo>> list(std::string_view prefix) = 0;
};

bool valid_blob_key(std::string_view key);

}  // namespace shortstack::blobs
