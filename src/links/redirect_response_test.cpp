#include "links/redirect_response.h"

#include <gtest/gtest.h>

namespace shortstack::links {
namespace {

Link link(std::string url, int status = 302) {
  Link l;
  l.id = 9;
  l.code = "abc";
  l.url = std::move(url);
  l.redirect = status;
  return l;
}

TEST(RedirectResponse, LocationIsExactlyTheStoredUrl) {
  std::string out;
  render_entry(make_redirect_entry(link("https://e.com/a?b=1&c=\"x\"")), 0, "Date: D\r\n", true, false, false, out);
  EXPECT_EQ(out.rfind("HTTP/1.1 302 Found\r\n", 0), 0u);
  EXPECT_NE(out.find("\r\nLocation: https://e.com/a?b=1&c=\"x\"\r\n"), std::string::npos);
  EXPECT_NE(out.find("Date: D\r\n"), std::string::npos);
  // The HTML body escapes what the header carries verbatim.
  EXPECT_NE(out.find("href=\"https://e.com/a?b=1&amp;c=&quot;x&quot;\""), std::string::npos);
}

TEST(RedirectResponse, HeadHasHeadersButNoBody) {
  std::string get, head;
  auto e = make_redirect_entry(link("https://e.com/", 308));
  render_entry(e, 0, "", true, false, false, get);
  render_entry(e, 0, "", true, true, false, head);
  EXPECT_EQ(head.rfind("HTTP/1.1 308 Permanent Redirect", 0), 0u);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
  EXPECT_EQ(get.substr(0, head.size()), head);
  EXPECT_GT(get.size(), head.size());
}

TEST(RedirectResponse, ContentLengthMatchesTheBody) {
  std::string out;
  render_entry(make_redirect_entry(link("https://e.com/x")), 0, "", true, false, false, out);
  const size_t at = out.find("Content-Length: ") + 16;
  const size_t len = std::stoul(out.substr(at, out.find("\r\n", at) - at));
  EXPECT_EQ(out.size() - (out.find("\r\n\r\n") + 4), len);
}

TEST(RedirectResponse, ErrorsAreJsonUnlessTheClientWantsHtml) {
  std::string json, html;
  render_entry(missing_entry(), 0, "", true, false, false, json);
  render_entry(missing_entry(), 0, "", true, false, true, html);
  EXPECT_EQ(json.rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_NE(json.find(R"({"error":{"code":"not_found")"), std::string::npos);
  EXPECT_NE(html.find("text/html"), std::string::npos);
  std::string gone;
  Link disabled = link("https://e.com/");
  disabled.disabled = true;
  render_entry(make_redirect_entry(disabled), 0, "", false, false, false, gone);
  EXPECT_EQ(gone.rfind("HTTP/1.1 410", 0), 0u);
  EXPECT_NE(gone.find("Connection: close\r\n"), std::string::npos);
}

TEST(RedirectResponse, AProtectedLinkAnswersWithAFormThatNeverHoldsTheTarget) {
  Link l = link("https://secret.example/launch-plan");
  l.password_hash = "$argon2id$...";
  const RedirectEntry e = make_redirect_entry(l);
  EXPECT_TRUE(e.url.empty()) << "the cache must not hold a protected target";
  EXPECT_FALSE(live_at(e, 0)) << "not a redirect, so not a click";
  std::string out;
  EXPECT_EQ(render_entry(e, 0, "", true, false, false, out), 200);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(out.find("secret.example"), std::string::npos);
  EXPECT_EQ(out.find("Location:"), std::string::npos);
  EXPECT_NE(out.find("<form method=post>"), std::string::npos);
  EXPECT_NE(out.find("frame-ancestors 'none'"), std::string::npos);
  std::string head;
  render_entry(e, 0, "", true, true, false, head);
  EXPECT_EQ(head.find("<form"), std::string::npos);
  l.expires_at = 50;
  std::string expired;
  EXPECT_EQ(render_entry(make_redirect_entry(l), 100, "", true, false, true, expired), 410);
}

TEST(RedirectResponse, AQuarantinedLinkShowsAWarningWithTheTargetEscapedAndIsNoClick) {
  Link l = link("https://evil.example/?a=<script>&b=\"x\"");
  l.moderation = std::string(kQuarantined);
  const RedirectEntry e = make_redirect_entry(l);
  EXPECT_FALSE(live_at(e, 0)) << "a warning page is not a redirect";
  std::string out;
  EXPECT_EQ(render_entry(e, 0, "", true, false, true, out), 200);
  EXPECT_EQ(out.find("Location:"), std::string::npos);
  EXPECT_NE(out.find("This link has been reported"), std::string::npos);
  EXPECT_NE(out.find("https://evil.example/?a=&lt;script&gt;&amp;b=&quot;x&quot;"), std::string::npos);
  EXPECT_EQ(out.find("<script>"), std::string::npos);
  EXPECT_NE(out.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
  EXPECT_NE(out.find("rel=\"noreferrer noopener\""), std::string::npos);
}

TEST(RedirectResponse, ALinkDisabledByModerationIsGoneWhateverItsOwnerSays) {
  Link l = link("https://example.com/");
  l.moderation = std::string(kModeratedOff);
  std::string out;
  EXPECT_EQ(render_entry(make_redirect_entry(l), 0, "", true, false, false, out), 410);
}

}  // namespace
}  // namespace shortstack::links
