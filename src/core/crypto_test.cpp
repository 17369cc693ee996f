#include "core/crypto.h"

#include <gtest/gtest.h>

namespace shortstack {
namespace {

TEST(Crypto, Sha256KnownAnswer) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacKnownAnswer) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64UrlHasNoPaddingAndUrlSafeAlphabet) {
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
}

TEST(Crypto, Base64UrlDecodesWhatItEncodes) {
  for (std::string raw : {std::string(), std::string("f"), std::string("fo"), std::string("foo"), std::string("\xfb\xff\x00", 3)})
    EXPECT_EQ(base64url_decode(base64url(raw)), raw);
  EXPECT_FALSE(base64url_decode("a+b"));
}

TEST(Crypto, SecretsAreLongAndDistinct) {
  const std::string a = new_secret_token(), b = new_secret_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
}

}  // namespace
}  // namespace shortstack
