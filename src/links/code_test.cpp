#include "links/code.h"

#include <gtest/gtest.h>

#include <set>

namespace shortstack::links {
namespace {

TEST(Code, GeneratedCodesAreSevenBase62CharsCarryingTheirBucket) {
  for (uint32_t bucket : {0u, 1u, 777u, kBucketCount - 1}) {
    for (int i = 0; i < 200; ++i) {
      const std::string code = generate_code(bucket);
      ASSERT_EQ(code.size(), kCodeLength);
      for (char c : code) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << code;
      ASSERT_EQ(bucket_of(code), bucket) << code;
    }
  }
}

TEST(Code, EncodingIsExactAtTheEdges) {
  EXPECT_EQ(encode_code(0, 0), "0000000");
  EXPECT_EQ(bucket_of(encode_code(kBucketCount - 1, ~0ull)), kBucketCount - 1);
  EXPECT_EQ(bucket_of("zzzzzzz"), std::nullopt) << "62^7-1 is above the 41-bit space: not a generated code";
  EXPECT_EQ(bucket_of("abc"), std::nullopt);
  EXPECT_EQ(bucket_of("abc-def"), std::nullopt);
}

TEST(Code, RandomPartVaries) {
  std::set<std::string> codes;
  for (int i = 0; i < 1000; ++i) codes.insert(generate_code(5));
  EXPECT_GT(codes.size(), 995u);
}

TEST(Code, OwnerBucketIsStableAndSpread) {
  EXPECT_EQ(bucket_for_owner(42), bucket_for_owner(42));
  std::set<uint32_t> buckets;
  for (int64_t owner = 1; owner <= 1000; ++owner) buckets.insert(bucket_for_owner(owner));
  EXPECT_GT(buckets.size(), 950u);
}

TEST(Code, Syntax) {
  EXPECT_TRUE(is_code_syntax("aB3_-"));
  EXPECT_FALSE(is_code_syntax(""));
  EXPECT_FALSE(is_code_syntax("a/b"));
  EXPECT_FALSE(is_code_syntax("a.b"));
  EXPECT_FALSE(is_code_syntax(std::string(65, 'a')));
}

}  // namespace
}  // namespace shortstack::links
