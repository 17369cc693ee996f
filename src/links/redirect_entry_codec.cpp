#include "links/redirect_entry_codec.h"

#include <cstdint>
#include <cstring>

namespace shortstack::links {

namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kFixed = 1 + 1 + 2 + 8 + 8 + 8;

template <class T>
void put(std::string& out, T v) {
  auto u = static_cast<std::make_unsigned_t<T>>(v);
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}

template <class T>
T take(const char*& p) {
  std::make_unsigned_t<T> u = 0;
  for (size_t i = 0; i < sizeof(T); ++i) u |= static_cast<std::make_unsigned_t<T>>(static_cast<uint8_t>(p[i])) << (8 * i);
  p += sizeof(T);
  return static_cast<T>(u);
}

bool redirect_status(uint16_t s) { return s == 301 || s == 302 || s == 307 || s == 308; }

// The URL is written into a Location header: it must hold nothing that could end the header.
bool header_safe(std::string_view url) {
  for (const unsigned char c : url)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

bool plausible(const RedirectEntry& e) {
  using Kind = RedirectEntry::Kind;
  switch (e.kind) {
    case Kind::Redirect:
    case Kind::Quarantined:
      return redirect_status(e.status) && !e.url.empty() && header_safe(e.url) && e.link_id > 0;
    case Kind::Protected:
      return e.status == 0 && e.url.empty() && e.link_id > 0;
    case Kind::Gone:
    case Kind::Missing:
      return e.status == 0 && e.url.empty() && e.link_id == 0 && e.owner_id == 0 && e.expires_at == 0;
  }
  return false;
}

}  // namespace

std::string encode_entry(const RedirectEntry& e) {
  std::string out;
  out.reserve(kFixed + e.url.size());
  put<uint8_t>(out, kVersion);
  put<uint8_t>(out, static_cast<uint8_t>(e.kind));
  put<uint16_t>(out, e.status);
  put<int64_t>(out, e.link_id);
  put<int64_t>(out, e.owner_id);
  put<int64_t>(out, e.expires_at);
  out.append(e.url);
  return out;
}

std::optional<RedirectEntry> decode_entry(std::string_view bytes) {
  if (bytes.size() < kFixed) return std::nullopt;
  const char* p = bytes.data();
  if (take<uint8_t>(p) != kVersion) return std::nullopt;
  const uint8_t kind = take<uint8_t>(p);
  if (kind > static_cast<uint8_t>(RedirectEntry::Kind::Missing)) return std::nullopt;
  RedirectEntry e;
  e.kind = static_cast<RedirectEntry::Kind>(kind);
  e.status = take<uint16_t>(p);
  e.link_id = take<int64_t>(p);
  e.owner_id = take<int64_t>(p);
  e.expires_at = take<int64_t>(p);
  e.url.assign(bytes.substr(kFixed));
  if (!plausible(e)) return std::nullopt;
  if (std::string escaped = html_escape(e.url); escaped != e.url) e.escaped_url = std::move(escaped);
  return e;
}

}  // namespace shortstack::links
