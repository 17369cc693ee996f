#include "http/request_parser.h"

#include <gtest/gtest.h>

namespace shortstack::http {
namespace {

ParseResult parse(std::string_view in, Request& req, ParserLimits limits = {}) {
  return parse_request(in, limits, req);
}

TEST(RequestParser, ParsesAGetWithHeaders) {
  Request r;
  const std::string in =
      "GET /abc?x=1 HTTP/1.1\r\nHost: sho.rt\r\nUser-Agent: t/1\r\nCookie: a=b\r\nAccept: text/html\r\n\r\n";
  auto res = parse(in, r);
  ASSERT_EQ(res.status, ParseStatus::Complete);
  EXPECT_EQ(res.consumed, in.size());
  EXPECT_EQ(r.method, Method::Get);
  EXPECT_EQ(r.path, "/abc");
  EXPECT_EQ(r.query, "x=1");
  EXPECT_EQ(r.host, "sho.rt");
  EXPECT_EQ(r.user_agent, "t/1");
  EXPECT_EQ(r.cookie, "a=b");
  EXPECT_EQ(r.accept, "text/html");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.header("USER-agent"), "t/1");
}

TEST(RequestParser, IncompleteUntilTheBodyArrives) {
  Request r;
  std::string in = "POST /api HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab";
  EXPECT_EQ(parse(in, r).status, ParseStatus::Incomplete);
  in += "cde";
  auto res = parse(in, r);
  ASSERT_EQ(res.status, ParseStatus::Complete);
  EXPECT_EQ(r.body, "abcde");
}

TEST(RequestParser, PipelinedRequestsParseOneAtATime) {
  const std::string in = "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n";
  Request r;
  auto first = parse(in, r);
  ASSERT_EQ(first.status, ParseStatus::Complete);
  EXPECT_EQ(r.path, "/a");
  auto second = parse(std::string_view(in).substr(first.consumed), r);
  ASSERT_EQ(second.status, ParseStatus::Complete);
  EXPECT_EQ(r.path, "/b");
}

TEST(RequestParser, ConnectionSemantics) {
  Request r;
  ASSERT_EQ(parse("GET / HTTP/1.0\r\n\r\n", r).status, ParseStatus::Complete);
  EXPECT_FALSE(r.keep_alive) << "HTTP/1.0 closes by default";
  ASSERT_EQ(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", r).status, ParseStatus::Complete);
  EXPECT_TRUE(r.keep_alive);
  ASSERT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, Close\r\n\r\n", r).status, ParseStatus::Complete);
  EXPECT_FALSE(r.keep_alive);
}

struct Bad {
  const char* input;
  int status;
};

class RequestParserRejects : public ::testing::TestWithParam<Bad> {};

TEST_P(RequestParserRejects, WithTheRightStatus) {
  Request r;
  auto res = parse(GetParam().input, r);
  ASSERT_EQ(res.status, ParseStatus::Error) << GetParam().input;
  EXPECT_EQ(res.error_status, GetParam().status) << res.error;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, RequestParserRejects,
    ::testing::Values(Bad{"GET /\r\n\r\n", 400}, Bad{"GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
                      Bad{"GET http://x/ HTTP/1.1\r\nHost: h\r\n\r\n", 400}, Bad{"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
                      Bad{"GET / HTTP/1.1\r\n\r\n", 400},  // no Host
                      Bad{"GET / HTTP/1.1\r\nHost: h\r\nBad Header: x\r\n\r\n", 400},
                      Bad{"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", 400},
                      Bad{"GET / HTTP/1.1\r\nHost: h\r\nX: a\x01z\r\n\r\n", 400},
                      Bad{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
                      Bad{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400},
                      Bad{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
                      Bad{"G\x01T / HTTP/1.1\r\nHost: h\r\n\r\n", 400}));

TEST(RequestParser, EnforcesHeaderAndBodyLimits) {
  Request r;
  ParserLimits limits{128, 16};
  const std::string big_header = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(200, 'a') + "\r\n\r\n";
  EXPECT_EQ(parse(big_header, r, limits).error_status, 431);
  // Also while the header is still arriving, so a client cannot make us buffer forever.
  EXPECT_EQ(parse(big_header.substr(0, 150), r, limits).error_status, 431);
  const std::string big_body = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n";
  EXPECT_EQ(parse(big_body, r, limits).error_status, 413);
}

// Values are checked sixteen bytes at a time and then byte by byte: every byte value, at a position in
// the first block, the second, and the tail, must get the verdict RFC 9110's field-value gives it.
TEST(RequestParser, JudgesEveryByteOfAHeaderValueWhereverItSits) {
  const auto allowed = [](unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); };
  for (const size_t at : {size_t{1}, size_t{15}, size_t{16}, size_t{31}, size_t{37}}) {
    for (int byte = 0; byte < 256; ++byte) {
      const auto c = static_cast<unsigned char>(byte);
      if (c == '\r' || c == '\n') continue;  // those end the line before the value is judged
      std::string value(40, 'a');
      value[at] = static_cast<char>(c);
      Request r;
      const std::string in = "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: " + value + "\r\n\r\n";
      const auto res = parse(in, r);
      if (allowed(c)) {
        ASSERT_EQ(res.status, ParseStatus::Complete) << "byte " << byte << " at " << at;
        EXPECT_EQ(r.user_agent, value);
      } else {
        ASSERT_EQ(res.status, ParseStatus::Error) << "byte " << byte << " at " << at;
        EXPECT_EQ(res.error_status, 400);
      }
    }
  }
}

TEST(RequestParser, HeaderNamesAreTokens) {
  Request r;
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: h\r\nX-a!#$%&'*+.^_`|~9: v\r\n\r\n", r).status, ParseStatus::Complete);
  for (const char* bad : {"X(y", "X/y", "X@y", "X\"y", "X{y"}) {
    const std::string in = std::string("GET / HTTP/1.1\r\nHost: h\r\n") + bad + ": v\r\n\r\n";
    EXPECT_EQ(parse(in, r).error_status, 400) << bad;
  }
}

TEST(RequestParser, TooManyHeadersIs431) {
  std::string in = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (size_t i = 0; i < Request::kMaxHeaders; ++i) in += "X-" + std::to_string(i) + ": v\r\n";
  in += "\r\n";
  Request r;
  EXPECT_EQ(parse(in, r).error_status, 431);
}

}  // namespace
}  // namespace shortstack::http
