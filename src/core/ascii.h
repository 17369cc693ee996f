#pragma once
// ASCII case folding for protocol text (domains, User-Agents, header-ish tokens). Bytes outside
// A-Z pass through untouched, so UTF-8 is never mangled and the locale never matters.
#include <string>
#include <string_view>

namespace shortstack {

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace shortstack
