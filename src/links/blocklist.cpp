#include "links/blocklist.h"

#include <cctype>
#include <fstream>

#include "core/ascii.h"

namespace shortstack::links {
namespace {

bool plausible_domain(const std::string& d) {
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.' || d.find("..") != std::string::npos) return false;
  for (char c : d)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  return true;
}

}  // namespace

Result<std::vector<std::string>> read_blocklist(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(500, "blocklist_unreadable", "cannot read the blocklist " + path);
  std::vector<std::string> domains;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    line = ascii_lower(trim_space(line));
    if (line.empty()) continue;
    if (!plausible_domain(line))
      return make_error(400, "blocklist_invalid", path + ":" + std::to_string(n) + ": not a domain: " + line);
    domains.push_back(line);
  }
  return domains;
}

}  // namespace shortstack::links
