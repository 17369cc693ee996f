#include "testing/mmdb_writer.h"

#include <arpa/inet.h>

#include <array>
#include <fstream>
#include <map>
#include <stdexcept>

namespace shortstack::testing {
namespace {

// Field encodings from the MaxMind DB spec: a control byte with the type in the top three bits and
// the size in the low five; types above 7 are "extended" (type 0 plus a byte holding type - 7).
void put_string(std::string& out, const std::string& s) {
  out.push_back(static_cast<char>((2 << 5) | s.size()));
  out += s;
}

void put_map(std::string& out, size_t entries) { out.push_back(static_cast<char>((7 << 5) | entries)); }

void put_uint(std::string& out, int type, uint64_t v) {
  std::string bytes;
  for (; v != 0; v >>= 8) bytes.insert(bytes.begin(), static_cast<char>(v & 0xff));
  if (type <= 7) {
    out.push_back(static_cast<char>((type << 5) | bytes.size()));
  } else {
    out.push_back(static_cast<char>(bytes.size()));
    out.push_back(static_cast<char>(type - 7));
  }
  out += bytes;
}

void put_string_array(std::string& out, const std::vector<std::string>& items) {
  out.push_back(static_cast<char>(items.size()));
  out.push_back(static_cast<char>(11 - 7));
  for (const auto& s : items) put_string(out, s);
}

std::string country_record(const std::string& iso) {
  std::string out;
  put_map(out, 1);
  put_string(out, "country");
  put_map(out, 1);
  put_string(out, "iso_code");
  put_string(out, iso);
  return out;
}

}  // namespace

void write_country_mmdb(const std::string& path, const std::vector<CountryNetwork>& networks) {
  constexpr uint32_t kEmpty = UINT32_MAX;
  constexpr uint32_t kDataFlag = 0x80000000u;  // marks "data offset" until node_count is known
  std::vector<std::array<uint32_t, 2>> nodes{{kEmpty, kEmpty}};
  std::string data;
  std::map<std::string, uint32_t> offset_of;
  for (const CountryNetwork& n : networks) {
    in_addr a{};
    if (inet_pton(AF_INET, n.address.c_str(), &a) != 1 || n.prefix_length < 1 || n.prefix_length > 32)
      throw std::invalid_argument("bad network " + n.address);
    if (!offset_of.count(n.iso_code)) {
      offset_of[n.iso_code] = static_cast<uint32_t>(data.size());
      data += country_record(n.iso_code);
    }
    const uint32_t bits = ntohl(a.s_addr);
    uint32_t node = 0;
    for (int i = 0; i < n.prefix_length; ++i) {
      const int bit = (bits >> (31 - i)) & 1;
      if (i == n.prefix_length - 1) {
        nodes[node][bit] = kDataFlag | offset_of[n.iso_code];
      } else {
        if (nodes[node][bit] == kEmpty) {
          nodes[node][bit] = static_cast<uint32_t>(nodes.size());
          nodes.push_back({kEmpty, kEmpty});
        }
        node = nodes[node][bit];
      }
    }
  }
  const auto node_count = static_cast<uint32_t>(nodes.size());
  std::string out;
  for (const auto& node : nodes) {
    for (uint32_t r : node) {
      // Empty: node_count ("not found"); data: node_count + 16 + offset into the data section.
      const uint32_t v = r == kEmpty ? node_count : (r & kDataFlag) ? node_count + 16 + (r & ~kDataFlag) : r;
      out.push_back(static_cast<char>((v >> 16) & 0xff));
      out.push_back(static_cast<char>((v >> 8) & 0xff));
      out.push_back(static_cast<char>(v & 0xff));
    }
  }
  out.append(16, '\0');
  out += data;
  out += std::string("\xAB\xCD\xEF" "MaxMind.com");
  put_map(out, 9);
  put_string(out, "binary_format_major_version");
  put_uint(out, 5, 2);
  put_string(out, "binary_format_minor_version");
  put_uint(out, 5, 0);
  put_string(out, "build_epoch");
  put_uint(out, 9, 1'795'310'580);
  put_string(out, "database_type");
  put_string(out, "shortstack-Test-Country");
  put_string(out, "description");
  put_map(out, 1);
  put_string(out, "en");
  put_string(out, "test data");
  put_string(out, "ip_version");
  put_uint(out, 5, 4);
  put_string(out, "languages");
  put_string_array(out, {"en"});
  put_string(out, "node_count");
  put_uint(out, 6, node_count);
  put_string(out, "record_size");
  put_uint(out, 5, 24);
  std::ofstream(path, std::ios::binary) << out;
}

}  // namespace shortstack::testing
