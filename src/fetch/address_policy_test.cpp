#include "fetch/address_policy.h"

#include <gtest/gtest.h>

namespace shortstack::fetch {
namespace {

bool refused(std::string_view text) {
  auto a = IpAddress::parse(text);
  EXPECT_TRUE(a) << text;
  return a && AddressPolicy{}.refuse(*a).has_value();
}

TEST(AddressPolicy, RefusesEverySpecialIpv4Range) {
  for (const char* a : {"0.0.0.0", "0.1.2.3", "10.1.2.3", "100.64.0.1", "100.100.100.200", "127.0.0.1",
                        "127.255.255.254", "169.254.169.254", "169.254.0.1", "172.16.0.1", "172.31.255.255",
                        "192.0.0.8", "192.0.2.1", "192.168.1.1", "198.18.0.1", "198.51.100.7", "203.0.113.9",
                        "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255"})
    EXPECT_TRUE(refused(a)) << a;
}

TEST(AddressPolicy, AllowsPublicAddressesAtTheEdgesOfThoseRanges) {
  for (const char* a : {"1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
                        "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0", "223.255.255.255",
                        "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"})
    EXPECT_FALSE(refused(a)) << a;
}

TEST(AddressPolicy, RefusesSpecialIpv6RangesAndIpv4HiddenInsideIpv6) {
  for (const char* a : {"::", "::1", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "2001:db8::1", "fec0::1",
                        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1", "64:ff9b::127.0.0.1",
                        "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2002:c0a8:101::1", "::127.0.0.1", "::8.8.8.8"})
    EXPECT_TRUE(refused(a)) << a;
  EXPECT_FALSE(refused("::ffff:8.8.8.8")) << "a mapped public address is that public address";
  EXPECT_FALSE(refused("64:ff9b::808:808"));
  EXPECT_FALSE(refused("2002:808:808::1"));
}

TEST(AddressPolicy, TheAllowListOpensOnlyWhatItNames) {
  AddressPolicy p{{*Network::parse("127.0.0.1/32"), *Network::parse("fd00:1::/64")}};
  EXPECT_FALSE(p.refuse(*IpAddress::parse("127.0.0.1")));
  EXPECT_FALSE(p.refuse(*IpAddress::parse("::ffff:127.0.0.1"))) << "the mapped form is the same address";
  EXPECT_TRUE(p.refuse(*IpAddress::parse("127.0.0.2")));
  EXPECT_TRUE(p.refuse(*IpAddress::parse("::1")));
  EXPECT_FALSE(p.refuse(*IpAddress::parse("fd00:1::5")));
  EXPECT_TRUE(p.refuse(*IpAddress::parse("fd00:2::5")));
  auto why = AddressPolicy{}.refuse(*IpAddress::parse("169.254.169.254"));
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "169.254.169.254 is link-local");
}

TEST(AddressPolicy, ParsesNetworksStrictly) {
  EXPECT_TRUE(Network::parse("10.0.0.0/8"));
  EXPECT_TRUE(Network::parse("::/0"));
  EXPECT_FALSE(Network::parse("10.0.0.0/33"));
  EXPECT_FALSE(Network::parse("10.0.0.0/x"));
  EXPECT_FALSE(Network::parse("10.0.0/8"));
  EXPECT_FALSE(Network::parse("example.com/8"));
  EXPECT_TRUE(Network::parse("0.0.0.0/0")->contains(*IpAddress::parse("8.8.8.8")));
  EXPECT_FALSE(Network::parse("0.0.0.0/0")->contains(*IpAddress::parse("2001:4860::1"))) << "IPv4 /0 is IPv4 only";
}

}  // namespace
}  // namespace shortstack::fetch
