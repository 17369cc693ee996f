#include "analytics/geoip.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/mmdb_writer.h"
#include "testing/temp_dir.h"

namespace shortstack::analytics {
namespace {

TEST(GeoIp, LooksUpCountriesInAMaxMindDb) {
  testing::TempDir dir;
  const std::string path = dir.file("country.mmdb");
  testing::write_country_mmdb(path, {{"127.0.0.0", 8, "DE"}, {"10.1.0.0", 16, "FR"}, {"203.0.113.7", 32, "JP"}});
  auto geo = GeoIp::open(path);
  ASSERT_TRUE(geo) << geo.error().message;
  std::array<char, 2> buf{};
  EXPECT_EQ((*geo)->country_of("127.0.0.1", buf), "DE");
  EXPECT_EQ((*geo)->country_of("127.255.1.2", buf), "DE");
  EXPECT_EQ((*geo)->country_of("10.1.200.3", buf), "FR");
  EXPECT_EQ((*geo)->country_of("203.0.113.7", buf), "JP");
  EXPECT_EQ((*geo)->country_of("203.0.113.8", buf), "");
  EXPECT_EQ((*geo)->country_of("10.2.0.1", buf), "");
  EXPECT_EQ((*geo)->country_of("not an address", buf), "");
  EXPECT_EQ((*geo)->country_of("", buf), "");
}

TEST(GeoIp, AMissingOrDamagedFileIsAClearError) {
  testing::TempDir dir;
  EXPECT_FALSE(GeoIp::open(dir.file("absent.mmdb")));
  const std::string junk = dir.file("junk.mmdb");
  std::ofstream(junk) << "not a database";
  auto bad = GeoIp::open(junk);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("junk.mmdb"), std::string::npos);
}

}  // namespace
}  // namespace shortstack::analytics
