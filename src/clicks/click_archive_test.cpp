#include "clicks/click_archive.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "blobs/disk_blob_store.h"
#include "core/gzip.h"
#include "testing/temp_dir.h"

namespace shortstack::clicks {
namespace {

constexpr int64_t kHour = 498'697;  // 2026-11-22T01:00:00Z / 3600

ClickBatch batch(std::string id, std::vector<int64_t> times) {
  ClickBatch b;
  b.id = std::move(id);
  b.strings.push_back("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Version/17.1 Mobile/15E148 Safari/604.1");
  b.strings.push_back("Twitterbot/1.0");
  b.strings.push_back("news.example");
  for (size_t i = 0; i < times.size(); ++i)
    b.events.push_back({7, 3, times[i], 0xabcULL + i, static_cast<uint32_t>(i % 2 ? 2 : 1), 3, {'D', 'E'}});
  return b;
}

std::vector<boost::json::value> lines_of(blobs::BlobStore& store, const std::string& key) {
  auto blob = store.get(key);
  EXPECT_TRUE(blob && *blob) << key;
  std::vector<boost::json::value> out;
  if (!blob || !*blob) return out;
  const auto text = gunzip(**blob);
  EXPECT_TRUE(text);
  std::string_view rest = *text;
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    out.push_back(boost::json::parse(rest.substr(0, eol)));
    rest.remove_prefix(eol + 1);
  }
  return out;
}

TEST(ClickArchive, ShipsEachClosedHourAsGzipNdjson) {
  testing::TempDir dir;
  auto store = std::make_shared<blobs::DiskBlobStore>(dir.path() / "blobs");
  ClickArchive archive((dir.path() / "staging").string(), store, analytics::UserAgentClassifier::builtin());
  ASSERT_TRUE(archive.append(batch("i-1", {kHour * 3600 + 5, kHour * 3600 + 6, (kHour + 1) * 3600 + 1})));
  // Not yet: the hour has not closed plus its grace period.
  EXPECT_EQ(*archive.ship_closed_hours((kHour + 1) * 3600 + 10), 0u);
  EXPECT_EQ(*archive.ship_closed_hours((kHour + 1) * 3600 + ClickArchive::kGraceSeconds), 1u);
  EXPECT_EQ(archive_key(kHour), "clicks/2026/11/22/01.ndjson.gz");
  const auto lines = lines_of(*store, archive_key(kHour));
  ASSERT_EQ(lines.size(), 2u);
  const auto& human = lines[0].as_object();
  EXPECT_EQ(human.at("batch").as_string(), "i-1");
  EXPECT_EQ(human.at("t").as_string(), "2026-11-22T01:00:05Z");
  EXPECT_EQ(human.at("link_id").as_int64(), 7);
  EXPECT_FALSE(human.at("bot").as_bool());
  EXPECT_EQ(human.at("device").as_string(), "mobile");
  EXPECT_EQ(human.at("referrer").as_string(), "news.example");
  EXPECT_EQ(human.at("country").as_string(), "DE");
  EXPECT_FALSE(human.contains("ip"));
  EXPECT_TRUE(lines[1].as_object().at("bot").as_bool());
  EXPECT_FALSE(*store->get(archive_key(kHour + 1))) << "the later hour is still open";
}

TEST(ClickArchive, LateLinesAreAddedToAnHourAlreadyShipped) {
  testing::TempDir dir;
  auto store = std::make_shared<blobs::DiskBlobStore>(dir.path() / "blobs");
  ClickArchive archive((dir.path() / "staging").string(), store, analytics::UserAgentClassifier::builtin());
  const int64_t later = (kHour + 2) * 3600;
  ASSERT_TRUE(archive.append(batch("a", {kHour * 3600})));
  ASSERT_EQ(*archive.ship_closed_hours(later), 1u);
  ASSERT_TRUE(archive.append(batch("late", {kHour * 3600 + 100})));  // a redelivered straggler
  ASSERT_EQ(*archive.ship_closed_hours(later), 1u);
  const auto lines = lines_of(*store, archive_key(kHour));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].as_object().at("batch").as_string(), "a");
  EXPECT_EQ(lines[1].as_object().at("batch").as_string(), "late");
}

}  // namespace
}  // namespace shortstack::clicks
