#include "blobs/blob_store_contract.h"

namespace shortstack::blobs {
namespace {

// A test binary may hold no backend of this seam (itests before the distributed ones exist).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BlobStoreContract);

TEST_P(BlobStoreContract, PutGetRoundTripsBytes) {
  std::string data(100'000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  ASSERT_TRUE(store->put("qr/abc.png", data, "image/png"));
  auto got = store->get("qr/abc.png");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ(**got, data);
}

TEST_P(BlobStoreContract, MissingIsEmptyNotAnError) {
  auto got = store->get("nothing/here");
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->has_value());
}

TEST_P(BlobStoreContract, PutReplaces) {
  ASSERT_TRUE(store->put("k", "one", "text/plain"));
  ASSERT_TRUE(store->put("k", "two", "text/plain"));
  EXPECT_EQ(**store->get("k"), "two");
}

TEST_P(BlobStoreContract, RemoveReportsWhetherItRemoved) {
  ASSERT_TRUE(store->put("gone", "x", "text/plain"));
  EXPECT_TRUE(*store->remove("gone"));
  EXPECT_FALSE(*store->remove("gone"));
  EXPECT_FALSE(store->get("gone")->has_value());
}

TEST_P(BlobStoreContract, ListsByPrefixInOrder) {
  ASSERT_TRUE(store->put("archive/2026/b", "bb", "x"));
  ASSERT_TRUE(store->put("archive/2026/a", "a", "x"));
  ASSERT_TRUE(store->put("other/c", "c", "x"));
  auto listed = store->list("archive/");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, "archive/2026/a");
  EXPECT_EQ((*listed)[0].size, 1u);
  EXPECT_EQ((*listed)[1].key, "archive/2026/b");
  EXPECT_EQ((*listed)[1].size, 2u);
}

TEST_P(BlobStoreContract, RefusesKeysThatEscapeOrAreMalformed) {
  for (const char* bad : {"../etc/passwd", "/abs", "a//b", "a/./b", "a/../b", "", "sp ace", "trailing/"}) {
    auto st = store->put(bad, "x", "text/plain");
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().http_status, 400) << bad;
  }
}

}  // namespace
}  // namespace shortstack::blobs
