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

// Without leading and trailing spaces, tabs, CRs and LFs: HTTP's optional whitespace, and the line
// ends of data files written on any system.
inline std::string_view trim_space(std::string_view v) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!v.empty() && space(v.front())) v.remove_prefix(1);
  while (!v.empty() && space(v.back())) v.remove_suffix(1);
  return v;
}

// Appends the byte as "%XX" (upper-case hex), as URLs and SigV4 canonical queries spell it.
inline void append_percent_escape(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

}  // namespace shortstack
