#include "clicks/click_batch.h"

#include <charconv>

namespace shortstack::clicks {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool needs_escape(unsigned char c) { return c < 0x21 || c == 0x7f || c == '%'; }

void append_escaped(std::string& out, std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (!needs_escape(c)) {
      out += ch;
      continue;
    }
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (needs_escape(static_cast<unsigned char>(s[i])) && s[i] != '%') return std::nullopt;
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

template <class T>
void append_number(std::string& out, T v, int base = 10) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v, base).ptr);
}

// Reads one space-terminated (or line-final) number from `line`, advancing past the separator.
template <class T>
bool take_number(std::string_view& line, T& v, int base = 10) {
  auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), v, base);
  if (ec != std::errc() || p == line.data()) return false;
  line.remove_prefix(static_cast<size_t>(p - line.data()));
  if (!line.empty()) {
    if (line.front() != ' ') return false;
    line.remove_prefix(1);
  }
  return true;
}

bool valid_country(std::string_view c) {
  return c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

std::optional<ClickEvent> decode_event(std::string_view line, size_t strings) {
  ClickEvent e;
  if (!take_number(line, e.link_id) || !take_number(line, e.owner_id) || !take_number(line, e.at) ||
      !take_number(line, e.visitor, 16) || !take_number(line, e.user_agent) || !take_number(line, e.referrer))
    return std::nullopt;
  if (e.link_id <= 0 || e.user_agent >= strings || e.referrer >= strings) return std::nullopt;
  if (line == "-") return e;
  if (!valid_country(line)) return std::nullopt;
  e.country = {line[0], line[1]};
  return e;
}

}  // namespace

std::string batch_id_of(std::string_view payload) {
  const size_t eol = payload.find('\n');
  if (payload.substr(0, 3) != "v2 " || eol == std::string_view::npos) return {};
  return std::string(payload.substr(3, eol - 3));
}

std::string encode_batch(const ClickBatch& b) {
  std::string out;
  out.reserve(16 + b.id.size() + b.events.size() * 48 + b.strings.size() * 64);
  out += "v2 ";
  out += b.id;
  out += '\n';
  for (size_t i = 1; i < b.strings.size(); ++i) {
    out += "s ";
    append_escaped(out, b.strings[i]);
    out += '\n';
  }
  for (const ClickEvent& e : b.events) {
    out += "e ";
    append_number(out, e.link_id);
    out += ' ';
    append_number(out, e.owner_id);
    out += ' ';
    append_number(out, e.at);
    out += ' ';
    append_number(out, e.visitor, 16);
    out += ' ';
    append_number(out, e.user_agent);
    out += ' ';
    append_number(out, e.referrer);
    out += ' ';
    if (e.country[0] == 0) out += '-';
    else out.append(e.country.data(), 2);
    out += '\n';
  }
  return out;
}

std::optional<ClickBatch> decode_batch(std::string_view in) {
  if (in.substr(0, 3) != "v2 ") return std::nullopt;
  size_t eol = in.find('\n');
  if (eol == std::string_view::npos || eol <= 3) return std::nullopt;
  ClickBatch b;
  b.id = std::string(in.substr(3, eol - 3));
  in.remove_prefix(eol + 1);
  while (!in.empty()) {
    eol = in.find('\n');
    if (eol == std::string_view::npos || eol < 2 || in[1] != ' ') return std::nullopt;
    const std::string_view body = in.substr(2, eol - 2);
    if (in[0] == 's' && b.events.empty()) {  // the table comes before every event
      auto s = unescape(body);
      if (!s) return std::nullopt;
      b.strings.push_back(std::move(*s));
    } else if (in[0] == 'e') {
      auto e = decode_event(body, b.strings.size());
      if (!e) return std::nullopt;
      b.events.push_back(*e);
    } else {
      return std::nullopt;
    }
    in.remove_prefix(eol + 1);
  }
  return b;
}

}  // namespace shortstack::clicks
