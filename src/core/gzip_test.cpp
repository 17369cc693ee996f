#include "core/gzip.h"

#include <gtest/gtest.h>

namespace shortstack {
namespace {

TEST(Gzip, RoundTripsAndCompresses) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += R"({"link_id":42,"bot":false,"country":"DE"})" "\n";
  const std::string packed = gzip(text);
  EXPECT_LT(packed.size(), text.size() / 10);
  EXPECT_EQ(static_cast<unsigned char>(packed[0]), 0x1f);  // the gzip magic, so zcat reads it
  EXPECT_EQ(static_cast<unsigned char>(packed[1]), 0x8b);
  EXPECT_EQ(gunzip(packed), text);
  EXPECT_EQ(gunzip(gzip("")), "");
}

TEST(Gzip, RefusesWhatIsNotGzip) {
  EXPECT_FALSE(gunzip("plain text"));
  const std::string packed = gzip("some data that will be cut short");
  EXPECT_FALSE(gunzip(std::string_view(packed).substr(0, packed.size() - 6)));
}

}  // namespace
}  // namespace shortstack
