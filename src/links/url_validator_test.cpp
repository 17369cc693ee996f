#include "links/url_validator.h"

#include <gtest/gtest.h>

namespace shortstack::links {
namespace {

std::string ok(std::string_view in, const UrlPolicy& p = {}) {
  auto r = normalize_url(in, p);
  EXPECT_TRUE(r) << in << ": " << (r ? "" : r.error().message);
  return r ? r->url : "";
}

std::string refusal(std::string_view in, const UrlPolicy& p = {}) {
  auto r = normalize_url(in, p);
  EXPECT_FALSE(r) << in << " was accepted as " << (r ? r->url : "");
  if (r) return "";
  EXPECT_EQ(r.error().http_status, 400);
  return r.error().message;
}

TEST(UrlValidator, NormalisesSchemeHostAndDefaultPort) {
  EXPECT_EQ(ok("HTTPS://Example.COM"), "https://example.com/");
  EXPECT_EQ(ok("http://example.com:80/a"), "http://example.com/a");
  EXPECT_EQ(ok("https://example.com:443/"), "https://example.com/");
  EXPECT_EQ(ok("https://example.com:8443/x?y=1#z"), "https://example.com:8443/x?y=1#z");
  EXPECT_EQ(ok("https://example.com?q=1"), "https://example.com/?q=1");
  EXPECT_EQ(ok("http://[::1]:8080/p"), "http://[::1]:8080/p");
  EXPECT_EQ(ok("http://192.0.2.1/"), "http://192.0.2.1/");
  EXPECT_EQ(ok("https://example.com./"), "https://example.com/");
}

TEST(UrlValidator, ConvertsIdnHostsToPunycode) {
  EXPECT_EQ(ok("https://bücher.example/"), "https://xn--bcher-kva.example/");
  EXPECT_EQ(ok("https://münchen.de/straße"), "https://xn--mnchen-3ya.de/stra%C3%9Fe");
}

TEST(UrlValidator, PercentEncodesUnsafeBytesButKeepsValidEscapes) {
  EXPECT_EQ(ok("https://e.com/a\"b<c>{d}|e^f`g"), "https://e.com/a%22b%3Cc%3E%7Bd%7D%7Ce%5Ef%60g");
  EXPECT_EQ(ok("https://e.com/%41%2f"), "https://e.com/%41%2f");
  EXPECT_EQ(ok("https://e.com/€"), "https://e.com/%E2%82%AC");
}

TEST(UrlValidator, RefusesWithAReasonThatNamesTheProblem) {
  EXPECT_NE(refusal("").find("required"), std::string::npos);
  EXPECT_NE(refusal("javascript:alert(1)").find("http"), std::string::npos);
  EXPECT_NE(refusal("ftp://example.com/").find("http"), std::string::npos);
  EXPECT_NE(refusal("data:text/html,hi").find("http"), std::string::npos);
  EXPECT_NE(refusal("https:/example.com").find("host"), std::string::npos);
  EXPECT_NE(refusal("https://").find("host"), std::string::npos);
  EXPECT_NE(refusal("https:///path").find("host"), std::string::npos);
  EXPECT_NE(refusal("https://exa mple.com").find("whitespace"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/\r\nSet-Cookie:x").find("control"), std::string::npos);
  EXPECT_NE(refusal(std::string("https://e.com/\0x", 16)).find("control"), std::string::npos);
  EXPECT_NE(refusal("https://user:pw@example.com/").find("credentials"), std::string::npos);
  EXPECT_NE(refusal("https://example.com:0/").find("port"), std::string::npos);
  EXPECT_NE(refusal("https://example.com:70000/").find("port"), std::string::npos);
  EXPECT_NE(refusal("https://example.com:8a/").find("port"), std::string::npos);
  EXPECT_NE(refusal("https://exa_mple!.com/").find("host"), std::string::npos);
  EXPECT_NE(refusal("https://%65xample.com/").find("percent"), std::string::npos);
  EXPECT_NE(refusal("https://e.com/%zz").find("percent"), std::string::npos);
  EXPECT_NE(refusal("https://[::1/").find("IPv6"), std::string::npos);
  EXPECT_NE(refusal("http://etp../x").find("host"), std::string::npos) << "found by url_validator_fuzz";
}

TEST(UrlValidator, NormalisingTwiceChangesNothing) {
  for (const char* in : {"HTTPS://Example.COM:443", "http://b\xc3\xbc" "cher.example/\xe2\x82\xac", "https://e.com./a\"b",
                         "http://[::1]:80/x?y#z"}) {
    const std::string once = ok(in);
    EXPECT_EQ(ok(once), once) << in;
  }
}

TEST(UrlValidator, EnforcesTheLengthAfterNormalisation) {
  UrlPolicy p;
  p.max_length = 40;
  const std::string base = "https://e.com/";
  ok(base + std::string(40 - base.size(), 'a'), p);
  EXPECT_NE(refusal(base + std::string(41 - base.size(), 'a'), p).find("longer"), std::string::npos);
  // 10 raw bytes that each become %XX: 14 + 30 = 44 > 40 once normalised.
  EXPECT_NE(refusal(base + std::string(10, '"'), p).find("longer"), std::string::npos);
}

TEST(UrlValidator, BlocklistCoversSubdomainsOnly) {
  UrlPolicy p;
  p.blocked_domains = {"evil.example"};
  auto r = normalize_url("https://login.evil.example/x", p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "blocked_domain");
  EXPECT_FALSE(normalize_url("https://EVIL.example/", p));
  EXPECT_TRUE(normalize_url("https://notevil.example/", p));
}

TEST(UrlValidator, RefusesLinksToItself) {
  UrlPolicy p;
  p.own_hosts = {"sho.rt"};
  EXPECT_FALSE(normalize_url("https://sho.rt/abc", p));
  EXPECT_TRUE(normalize_url("https://www.sho.rt.example/abc", p));
}

TEST(UrlValidator, HostMatchesDomain) {
  EXPECT_TRUE(host_matches_domain("a.b.com", "b.com"));
  EXPECT_TRUE(host_matches_domain("b.com", "b.com"));
  EXPECT_FALSE(host_matches_domain("ab.com", "b.com"));
  EXPECT_FALSE(host_matches_domain("b.com", ""));
}

}  // namespace
}  // namespace shortstack::links
