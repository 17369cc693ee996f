#include "links/redirect_entry_codec.h"

#include <gtest/gtest.h>

namespace shortstack::links {
namespace {

Link sample_link() {
  Link l;
  l.id = 42;
  l.code = "abc1234";
  l.owner_id = 7;
  l.url = "https://example.com/a?b=<c>&d=\"e\"";
  l.redirect = 301;
  l.expires_at = 1'900'000'000;
  return l;
}

void expect_same(const RedirectEntry& a, const RedirectEntry& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.link_id, b.link_id);
  EXPECT_EQ(a.owner_id, b.owner_id);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.url, b.url);
  EXPECT_EQ(a.escaped_url, b.escaped_url);
}

TEST(RedirectEntryCodec, EveryKindRoundTrips) {
  Link plain = sample_link();
  Link quarantined = sample_link();
  quarantined.moderation = std::string(kQuarantined);
  Link protected_link = sample_link();
  protected_link.password_hash = "$argon2id$...";
  Link disabled = sample_link();
  disabled.disabled = true;
  for (const RedirectEntry& e : {make_redirect_entry(plain), make_redirect_entry(quarantined),
                                 make_redirect_entry(protected_link), make_redirect_entry(disabled), missing_entry()}) {
    auto back = decode_entry(encode_entry(e));
    ASSERT_TRUE(back) << static_cast<int>(e.kind);
    expect_same(*back, e);
  }
}

TEST(RedirectEntryCodec, TheEscapedUrlIsDerivedNotStored) {
  const RedirectEntry e = make_redirect_entry(sample_link());
  ASSERT_FALSE(e.escaped_url.empty());
  EXPECT_EQ(encode_entry(e).find("&lt;"), std::string::npos);
  EXPECT_EQ(decode_entry(encode_entry(e))->escaped_url, e.escaped_url);
}

TEST(RedirectEntryCodec, RefusesWhatNoLinkCouldProduce) {
  const std::string good = encode_entry(make_redirect_entry(sample_link()));
  EXPECT_FALSE(decode_entry(""));
  EXPECT_FALSE(decode_entry(good.substr(0, 10))) << "truncated";
  std::string other_version = good;
  other_version[0] = 2;
  EXPECT_FALSE(decode_entry(other_version));
  std::string bad_kind = good;
  bad_kind[1] = 9;
  EXPECT_FALSE(decode_entry(bad_kind));
  std::string bad_status = good;
  bad_status[2] = static_cast<char>(200);
  bad_status[3] = 0;
  EXPECT_FALSE(decode_entry(bad_status));
  EXPECT_FALSE(decode_entry(good + "\r\nSet-Cookie: x=y")) << "a URL that could end the Location header";
  RedirectEntry missing_with_url = missing_entry();
  missing_with_url.url = "https://example.com/";
  EXPECT_FALSE(decode_entry(encode_entry(missing_with_url)));
}

}  // namespace
}  // namespace shortstack::links
