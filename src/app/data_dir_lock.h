#pragma once
// One `serve` per data directory. The embedded stores, the click spool and above all the L1 cache
// assume this process makes every change to what the directory holds: at stage 1 an L1 entry is
// trusted until a change through this process drops it (config::l1_positive_ttl_ms). A second
// serve on the same directory, which SO_REUSEPORT would otherwise let join the same port silently,
// would change links behind the first one's cache and replay its spool. So serve takes an exclusive
// flock on <dir>/serve.lock; the kernel releases it however the process ends, kill -9 included.
#include <string>

#include "core/result.h"

namespace shortstack::app {

class DataDirLock {
 public:
  // Creates the directory if needed. Fails (409 "data_dir_in_use") while another process holds it,
  // naming that process's pid.
  static Result<DataDirLock> acquire(const std::string& dir);
  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace shortstack::app
