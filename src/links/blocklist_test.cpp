#include "links/blocklist.h"

#include <gtest/gtest.h>

#include <fstream>

#include "testing/temp_dir.h"

namespace shortstack::links {
namespace {

TEST(Blocklist, ReadsDomainsSkippingCommentsAndBlanks) {
  testing::TempDir dir;
  const std::string path = dir.file("blocklist.txt");
  std::ofstream(path) << "# phishing seen this week\nEvil.Example\n\n  bad-host.example   # reported twice\n";
  auto domains = read_blocklist(path);
  ASSERT_TRUE(domains) << domains.error().message;
  EXPECT_EQ(*domains, (std::vector<std::string>{"evil.example", "bad-host.example"}));
}

TEST(Blocklist, ABadLineRefusesTheWholeFileAndNamesTheLine) {
  testing::TempDir dir;
  const std::string path = dir.file("blocklist.txt");
  std::ofstream(path) << "ok.example\nnot a domain\n";
  auto domains = read_blocklist(path);
  ASSERT_FALSE(domains);
  EXPECT_NE(domains.error().message.find("blocklist.txt:2"), std::string::npos) << domains.error().message;
  EXPECT_FALSE(read_blocklist(dir.file("absent.txt")));
}

}  // namespace
}  // namespace shortstack::links
