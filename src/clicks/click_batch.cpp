#include "clicks/click_batch.h"

#include <charconv>

namespace shortstack::clicks {

// Text, one event per line: easy to inspect in a queue, and small next to the work of applying it.
//   v1 <batch id>\n
//   <link id> <unix seconds> <kind>\n ...
std::string encode_batch(const ClickBatch& b) {
  std::string out;
  out.reserve(16 + b.id.size() + b.events.size() * 24);
  out += "v1 ";
  out += b.id;
  out += '\n';
  char buf[64];
  for (const ClickEvent& e : b.events) {
    char* p = std::to_chars(buf, buf + sizeof buf, e.link_id).ptr;
    *p++ = ' ';
    p = std::to_chars(p, buf + sizeof buf, e.at).ptr;
    *p++ = ' ';
    *p++ = static_cast<char>('0' + static_cast<int>(e.kind));
    *p++ = '\n';
    out.append(buf, p);
  }
  return out;
}

std::optional<ClickBatch> decode_batch(std::string_view in) {
  if (in.substr(0, 3) != "v1 ") return std::nullopt;
  const size_t eol = in.find('\n');
  if (eol == std::string_view::npos || eol <= 3) return std::nullopt;
  ClickBatch b;
  b.id = std::string(in.substr(3, eol - 3));
  in.remove_prefix(eol + 1);
  while (!in.empty()) {
    ClickEvent e;
    const char* p = in.data();
    const char* end = in.data() + in.size();
    auto r1 = std::from_chars(p, end, e.link_id);
    if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != ' ') return std::nullopt;
    auto r2 = std::from_chars(r1.ptr + 1, end, e.at);
    if (r2.ec != std::errc() || end - r2.ptr < 3 || r2.ptr[0] != ' ' || r2.ptr[2] != '\n') return std::nullopt;
    const char kind = r2.ptr[1];
    if (kind != '0' && kind != '1') return std::nullopt;
    e.kind = static_cast<ClickKind>(kind - '0');
    b.events.push_back(e);
    in.remove_prefix(static_cast<size_t>(r2.ptr + 3 - p));
  }
  return b;
}

}  // namespace shortstack::clicks
