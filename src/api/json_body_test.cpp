#include "api/json_body.h"

#include <gtest/gtest.h>

namespace shortstack::api {
namespace {

TEST(JsonBody, RefusesNonObjectsAndBadJson) {
  for (const char* bad : {"", "[]", "1", "\"s\"", "{", "{\"a\":}", "nul"}) {
    auto b = JsonBody::parse(bad);
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().code, "invalid_json");
    EXPECT_EQ(b.error().http_status, 400);
  }
}

TEST(JsonBody, DeepNestingIsRefusedNotRecursed) {
  std::string deep(10000, '[');
  auto b = JsonBody::parse("{\"a\":" + deep + "}");
  EXPECT_FALSE(b);
}

TEST(JsonBody, TypedFieldsNameTheField) {
  auto b = JsonBody::parse(R"({"url":5,"alias":"x","n":1.5,"flag":"yes","t":"not a time"})");
  ASSERT_TRUE(b);
  EXPECT_NE(b->required_string("url").error().message.find("url"), std::string::npos);
  EXPECT_EQ(*b->optional_string("alias"), std::optional<std::string>("x"));
  EXPECT_FALSE(b->optional_int("n"));
  EXPECT_FALSE(b->optional_bool("flag"));
  EXPECT_FALSE(b->optional_timestamp("t"));
  EXPECT_NE(b->required_string("missing").error().message.find("required"), std::string::npos);
}

TEST(JsonBody, NullTimestampMeansClear) {
  auto b = JsonBody::parse(R"({"expires_at":null})");
  auto t = b->optional_timestamp("expires_at");
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->has_value()) << "present";
  EXPECT_FALSE(t->value().has_value()) << "and null";
  EXPECT_FALSE(b->optional_timestamp("other")->has_value()) << "absent";
}

TEST(JsonBody, UnknownFieldsAreRefused) {
  auto b = JsonBody::parse(R"({"url":"x","urll":"y"})");
  auto st = b->only({"url"});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("urll"), std::string::npos);
}

}  // namespace
}  // namespace shortstack::api
