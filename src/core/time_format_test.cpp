#include "core/time_format.h"

#include <gtest/gtest.h>

namespace shortstack {
namespace {

TEST(TimeFormat, ParsesRfc3339Forms) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:23:00Z"), 1795310580);
  EXPECT_EQ(parse_rfc3339("2026-11-22T03:23:00+02:00"), 1795310580);
  EXPECT_EQ(parse_rfc3339("2026-11-21T23:23:00.999-02:00"), 1795310580);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00z"), 1709164800);
}

TEST(TimeFormat, RefusesNonsense) {
  for (const char* bad : {"", "2026-11-22", "2026-11-22T01:23:00", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2026-11-22T24:00:00Z", "2026-11-22T01:23:00+2:00", "2026-11-22T01:23:00Zjunk",
                          "2026-11-22 01:23:00Z", "2026-11-22T01:23:00.Z", "abcd-11-22T01:23:00Z"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

TEST(TimeFormat, RefusesInstantsOutsideYearsZeroTo9999InUtc) {
  EXPECT_FALSE(parse_rfc3339("0000-01-01T00:23:15+02:00")) << "found by time_format_fuzz";
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:59:59-00:01"));
  EXPECT_EQ(parse_rfc3339("0000-01-01T00:00:00Z"), -62167219200);
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59Z"), 253402300799);
}

TEST(TimeFormat, FormatsRoundTrip) {
  EXPECT_EQ(format_rfc3339(1795310580), "2026-11-22T01:23:00Z");
  for (int64_t t : {0ll, 951782400ll, 1795310580ll, 4102444800ll}) EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
  EXPECT_EQ(format_http_date(1795310580), "Sun, 22 Nov 2026 01:23:00 GMT");
  EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

}  // namespace
}  // namespace shortstack
