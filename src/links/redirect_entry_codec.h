#pragma once
// RedirectEntry <-> bytes, for the shared (L2) cache. Fixed-width little-endian fields then the URL:
//   version(1) kind(1) status(2) link_id(8) owner_id(8) expires_at(8) url(rest)
// The version byte lets a rolling deploy change the format: an entry of another version decodes as
// nothing (a cache miss), never as a wrong answer. The HTML-escaped URL is not stored; decoding
// derives it again, so what the cache holds cannot smuggle markup into a page.
#include <optional>
#include <string>
#include <string_view>

#include "links/redirect_response.h"

namespace shortstack::links {

std::string encode_entry(const RedirectEntry& e);
// Nothing when the bytes are not an entry of this version, or are not one make_redirect_entry()
// could have made (an unknown kind, a bad status, a URL where none belongs).
std::optional<RedirectEntry> decode_entry(std::string_view bytes);

}  // namespace shortstack::links
