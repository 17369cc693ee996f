#include "blobs/disk_blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/crypto.h"
#include "core/file.h"

namespace shortstack::blobs {
namespace fs = std::filesystem;

bool valid_blob_key(std::string_view key) {
  if (key.empty() || key.size() > 512 || key.front() == '/' || key.back() == '/') return false;
  size_t seg_start = 0;
  for (size_t i = 0; i <= key.size(); ++i) {
    if (i == key.size() || key[i] == '/') {
      std::string_view seg = key.substr(seg_start, i - seg_start);
      if (seg.empty() || seg == "." || seg == "..") return false;
      seg_start = i + 1;
      continue;
    }
    const char c = key[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-'))
      return false;
  }
  return true;
}

namespace {

Error bad_key() { return make_error(400, "invalid_blob_key", "blob key must be a relative path of [A-Za-z0-9._-]"); }
Error io_error(const std::string& what) { return internal_error(what + ": " + std::strerror(errno)); }

Status fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags);
  if (fd < 0) return io_error("open " + p.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("fsync " + p.string());
  return ok_status();
}

}  // namespace

Status DiskBlobStore::put(std::string_view key, std::string_view data, std::string_view) {
  if (!valid_blob_key(key)) return bad_key();
  const fs::path target = root_ / std::string(key);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return internal_error("create " + target.parent_path().string() + ": " + ec.message());
  // Write a temporary file, fsync it, rename over the target, fsync the directory: readers see the
  // old object or the new one, never a torn one, even across a crash.
  const fs::path tmp = target.parent_path() / (".tmp-" + hex(random_bytes(8)));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("create " + tmp.string());
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fs::remove(tmp, ec);
      return io_error("write " + tmp.string());
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), target.c_str()) != 0) {
    fs::remove(tmp, ec);
    return io_error("store " + target.string());
  }
  return fsync_path(target.parent_path(), O_RDONLY | O_DIRECTORY);
}

Result<std::optional<std::string>> DiskBlobStore::get(std::string_view key) {
  if (!valid_blob_key(key)) return bad_key();
  return read_whole_file((root_ / std::string(key)).string());
}

Result<bool> DiskBlobStore::remove(std::string_view key) {
  if (!valid_blob_key(key)) return bad_key();
  std::error_code ec;
  const bool removed = fs::remove(root_ / std::string(key), ec);
  if (ec) return internal_error("remove: " + ec.message());
  return removed;
}

Result<std::vector<BlobInfo>> DiskBlobStore::list(std::string_view prefix) {
  std::vector<BlobInfo> out;
  std::error_code ec;
  if (!fs::exists(root_, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string key = fs::relative(it->path(), root_).generic_string();
    if (key.rfind(".tmp-", 0) == 0 || key.find("/.tmp-") != std::string::npos) continue;
    if (key.compare(0, prefix.size(), prefix) == 0) out.push_back({key, static_cast<size_t>(it->file_size())});
  }
  if (ec) return internal_error("list: " + ec.message());
  std::sort(out.begin(), out.end(), [](const BlobInfo& a, const BlobInfo& b) { return a.key < b.key; });
  return out;
}

}  // namespace shortstack::blobs
