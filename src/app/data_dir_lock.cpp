#include "app/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace shortstack::app {
namespace {

// The pid the holder wrote, for the message; empty when unreadable (it may be writing it now).
std::string holder_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string_view text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return std::string(text);
}

void write_own_pid(int fd) {
  const std::string pid = std::to_string(getpid()) + "\n";
  // Best effort: the pid only makes the other process's error message more useful.
  if (ftruncate(fd, 0) == 0) (void)!pwrite(fd, pid.data(), pid.size(), 0);
}

}  // namespace

Result<DataDirLock> DataDirLock::acquire(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return internal_error("cannot create data dir " + dir + ": " + ec.message());
  const std::string path = (std::filesystem::path(dir) / "serve.lock").string();
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return internal_error("cannot open " + path + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string pid = holder_pid(fd);
    close(fd);
    if (err != EWOULDBLOCK) return internal_error("cannot lock " + path + ": " + std::strerror(err));
    return make_error(409, "data_dir_in_use",
                      "another shortstack serve" + (pid.empty() ? std::string() : " (pid " + pid + ")") +
                          " is using the data dir " + dir + "; stop it first, or give this one its own --data-dir");
  }
  write_own_pid(fd);
  return DataDirLock(fd);
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) close(fd_);  // closing the last descriptor releases the lock
}

}  // namespace shortstack::app
