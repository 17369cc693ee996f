#pragma once
// Pre-rendered redirect responses: everything but the Date line is rendered once, when a link enters
// the cache, so answering a redirect is three appends into the connection's output buffer.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "links/link_store.h"

namespace shortstack::links {

struct RedirectEntry {
  enum class Kind : uint8_t { Redirect, Gone, Missing };
  Kind kind = Kind::Missing;
  int64_t link_id = 0;
  std::optional<int64_t> expires_at;
  std::string head;  // status line and headers, without Date, Connection and the blank line
  std::string body;  // small HTML for browsers
};

RedirectEntry make_redirect_entry(const Link& link);
RedirectEntry missing_entry();
RedirectEntry gone_entry();

// Whether the entry, at `now`, answers with the redirect (false: 410 or 404).
inline bool live_at(const RedirectEntry& e, int64_t now) {
  return e.kind == RedirectEntry::Kind::Redirect && (!e.expires_at || *e.expires_at > now);
}

// Appends the full response. For 404 and 410 the body is HTML or JSON depending on Accept.
void render_entry(const RedirectEntry& e, int64_t now, std::string_view date_line, bool keep_alive, bool head,
                  bool wants_html, std::string& out);

std::string html_escape(std::string_view s);

}  // namespace shortstack::links
