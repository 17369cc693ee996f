#include "fetch/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace shortstack::fetch {
namespace {

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress ip;
  std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), ip.bytes.begin());
  ip.bytes[12] = a;
  ip.bytes[13] = b;
  ip.bytes[14] = c;
  ip.bytes[15] = d;
  return ip;
}

IpAddress v4_at(const IpAddress& a, size_t offset) {
  return v4(a.bytes[offset], a.bytes[offset + 1], a.bytes[offset + 2], a.bytes[offset + 3]);
}

struct Rule {
  const char* cidr;
  const char* reason;
};

// IANA special-purpose registries (RFC 6890 and successors), the parts a fetch must never reach.
constexpr Rule kV4Rules[] = {
    {"0.0.0.0/8", "unspecified"},      {"10.0.0.0/8", "private"},         {"100.64.0.0/10", "shared (CGNAT)"},
    {"127.0.0.0/8", "loopback"},       {"169.254.0.0/16", "link-local"},  {"172.16.0.0/12", "private"},
    {"192.0.0.0/24", "reserved"},      {"192.0.2.0/24", "documentation"}, {"192.88.99.0/24", "reserved"},
    {"192.168.0.0/16", "private"},     {"198.18.0.0/15", "benchmarking"}, {"198.51.100.0/24", "documentation"},
    {"203.0.113.0/24", "documentation"}, {"224.0.0.0/4", "multicast"},    {"240.0.0.0/4", "reserved"},
};
constexpr Rule kV6Rules[] = {
    {"::/128", "unspecified"},      {"::1/128", "loopback"},          {"100::/64", "discard"},
    {"2001::/23", "reserved"},      {"2001:db8::/32", "documentation"}, {"fc00::/7", "unique local (private)"},
    {"fe80::/10", "link-local"},    {"fec0::/10", "site-local"},      {"ff00::/8", "multicast"},
};

const std::vector<std::pair<Network, std::string_view>>& rules(bool ipv4) {
  static const auto build = [](const auto& table) {
    std::vector<std::pair<Network, std::string_view>> out;
    for (const Rule& r : table) out.emplace_back(*Network::parse(r.cidr), r.reason);
    return out;
  };
  static const auto v4_rules = build(kV4Rules), v6_rules = build(kV6Rules);
  return ipv4 ? v4_rules : v6_rules;
}

bool starts_with(const IpAddress& a, std::initializer_list<uint8_t> prefix) {
  return std::equal(prefix.begin(), prefix.end(), a.bytes.begin());
}

// The IPv4 address an IPv6 form carries, when it carries one a packet could end up at.
std::optional<IpAddress> embedded_v4(const IpAddress& a) {
  if (starts_with(a, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) return v4_at(a, 12);  // NAT64 64:ff9b::/96
  if (starts_with(a, {0x20, 0x02})) return v4_at(a, 2);                                     // 6to4 2002::/16
  if (starts_with(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})) return v4_at(a, 12);          // IPv4-compatible ::/96
  return std::nullopt;
}

}  // namespace

bool IpAddress::is_v4() const { return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin()); }

std::string IpAddress::text() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4()) inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  else inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const std::string s(text);
  IpAddress ip;
  in_addr a4{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    const auto* b = reinterpret_cast<const uint8_t*>(&a4.s_addr);
    return v4(b[0], b[1], b[2], b[3]);
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    std::memcpy(ip.bytes.data(), &a6, 16);
    return ip;
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_sockaddr(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    const auto* b = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
    return v4(b[0], b[1], b[2], b[3]);
  }
  if (sa->sa_family == AF_INET6) {
    IpAddress ip;
    std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
    return ip;
  }
  return std::nullopt;
}

std::optional<Network> Network::parse(std::string_view cidr) {
  const size_t slash = cidr.find('/');
  auto base = IpAddress::parse(cidr.substr(0, slash));
  if (!base) return std::nullopt;
  const int max = base->is_v4() ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = cidr.substr(slash + 1);
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (r.ec != std::errc() || r.ptr != digits.data() + digits.size() || prefix < 0 || prefix > max) return std::nullopt;
  }
  return Network{*base, base->is_v4() ? prefix + 96 : prefix};
}

bool Network::contains(const IpAddress& a) const {
  int bits = prefix;
  for (size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<std::string_view> forbidden_reason(const IpAddress& a) {
  if (a.is_v4()) {
    for (const auto& [net, reason] : rules(true))
      if (net.contains(a)) return reason;
    if (a.bytes[12] == 255 && a.bytes[13] == 255 && a.bytes[14] == 255 && a.bytes[15] == 255) return "broadcast";
    return std::nullopt;
  }
  for (const auto& [net, reason] : rules(false))
    if (net.contains(a)) return reason;
  if (auto inner = embedded_v4(a)) {
    if (auto reason = forbidden_reason(*inner)) return reason;
    // The rest of ::/96 is deprecated and nothing legitimate uses it.
    if (starts_with(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})) return "IPv4-compatible (deprecated)";
  }
  return std::nullopt;
}

std::optional<std::string> AddressPolicy::refuse(const IpAddress& a) const {
  for (const Network& n : allowed)
    if (n.contains(a)) return std::nullopt;
  if (auto reason = forbidden_reason(a)) return a.text() + " is " + std::string(*reason);
  return std::nullopt;
}

}  // namespace shortstack::fetch
