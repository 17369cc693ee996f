#include "app/data_dir_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <optional>

#include "testing/temp_dir.h"

namespace shortstack::app {
namespace {

TEST(DataDirLock, ASecondHolderIsRefusedAndToldTheFirstOnesPidUntilItLetsGo) {
  testing::TempDir dir;
  const std::string data = dir.file("data");  // not there yet: acquire creates it
  std::optional<DataDirLock> first;
  {
    auto held = DataDirLock::acquire(data);
    ASSERT_TRUE(held) << held.error().message;
    first.emplace(std::move(*held));
  }
  // flock locks belong to an open file, so a second open in this process conflicts like another
  // process would.
  auto second = DataDirLock::acquire(data);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().http_status, 409);
  EXPECT_EQ(second.error().code, "data_dir_in_use");
  EXPECT_NE(second.error().message.find("(pid " + std::to_string(getpid()) + ")"), std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find(data), std::string::npos) << second.error().message;

  first.reset();
  auto third = DataDirLock::acquire(data);
  EXPECT_TRUE(third) << "the lock is free once its holder is gone";
}

TEST(DataDirLock, AStaleLockFileLeftByADeadProcessDoesNotBlock) {
  testing::TempDir dir;
  // A kill -9 leaves the file (and its pid) behind but not the lock: only open files hold locks.
  std::ofstream(dir.file("serve.lock")) << "999999\n";
  auto lock = DataDirLock::acquire(dir.path().string());
  EXPECT_TRUE(lock) << lock.error().message;
}

}  // namespace
}  // namespace shortstack::app
