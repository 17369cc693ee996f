#pragma once
// Which addresses a server-side fetch may connect to. A link shortener fetches URLs that strangers
// chose (previews, safety checks), so every address is checked after DNS and again on connect:
// loopback, private, shared (CGNAT), link-local (cloud metadata lives there), multicast, reserved,
// documentation and unspecified ranges are refused, in IPv4 and IPv6, and IPv6 forms that embed an
// IPv4 address (mapped, NAT64, 6to4, compatible) are judged by the IPv4 address inside.
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shortstack::fetch {

// An address as 16 bytes; IPv4 is stored mapped (::ffff:a.b.c.d).
struct IpAddress {
  std::array<uint8_t, 16> bytes{};
  bool is_v4() const;
  std::string text() const;
  static std::optional<IpAddress> parse(std::string_view text);
  static std::optional<IpAddress> from_sockaddr(const sockaddr* sa);
};

// "10.0.0.0/8", "::1/128", "127.0.0.1" (a single address).
struct Network {
  IpAddress base;
  int prefix = 128;  // over the 16-byte form: an IPv4 /8 is stored as /104
  static std::optional<Network> parse(std::string_view cidr);
  bool contains(const IpAddress& a) const;
};

// Why an address is refused; nullopt when it is a public unicast address.
std::optional<std::string_view> forbidden_reason(const IpAddress& a);

struct AddressPolicy {
  // Networks allowed despite the rules, for tests against local servers (and for operators who
  // really mean to fetch from a private range). Empty in production.
  std::vector<Network> allowed;
  // Why `a` may not be connected to; nullopt when it may.
  std::optional<std::string> refuse(const IpAddress& a) const;
};

}  // namespace shortstack::fetch
