#pragma once
// Writes a minimal MaxMind DB (format 2, IPv4, 24-bit records) mapping networks to
// {"country": {"iso_code": ...}}: enough to test GeoIp against the real libmaxminddb reader without
// shipping a third-party database file.
#include <string>
#include <vector>

namespace shortstack::testing {

struct CountryNetwork {
  std::string address;  // dotted IPv4, e.g. "127.0.0.0"
  int prefix_length;    // 1..32
  std::string iso_code;
};

void write_country_mmdb(const std::string& path, const std::vector<CountryNetwork>& networks);

}  // namespace shortstack::testing
