#include "app/click_pipeline.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "testing/temp_dir.h"

namespace shortstack::app {
namespace {

TEST(VisitorSecret, IsCreatedOnceReadableByTheOwnerOnlyAndKept) {
  testing::TempDir dir;
  config::Config c;
  c.storage.data_dir = dir.path().string();
  auto first = visitor_secret(c);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_GE(first->size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("visitor.secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the secret that keys visitor hashes is not for other users";
  EXPECT_EQ(*visitor_secret(c), *first) << "the same visitor must hash the same after a restart";
  c.clicks.visitor_secret = "a configured secret, shared by instances";
  EXPECT_EQ(*visitor_secret(c), c.clicks.visitor_secret);
}

}  // namespace
}  // namespace shortstack::app
