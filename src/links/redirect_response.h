#pragma once
// Redirect answers as kept in the L1 cache. An entry holds only what varies per link (status, target,
// expiry); the constant header block is rendered around it at response time with a handful of appends.
// Keeping entries small (about a quarter of a fully pre-rendered response) keeps a million of them in
// a few hundred MB and touches fewer cache lines per lookup, which is where random-code traffic loses.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "links/link_store.h"

namespace shortstack::links {

struct RedirectEntry {
  // Protected: the target is behind a password; the entry holds no URL, only the form's page.
  // Quarantined: moderation put the link on hold; a warning page with the target replaces the redirect.
  enum class Kind : uint8_t { Redirect, Protected, Quarantined, Gone, Missing };
  Kind kind = Kind::Missing;
  uint16_t status = 0;
  int64_t link_id = 0;
  int64_t owner_id = 0;     // carried so a click can be credited to its owner's leaderboard
  int64_t expires_at = 0;   // 0: never
  std::string url;          // exactly as stored: the Location header, byte for byte
  std::string escaped_url;  // the HTML-escaped form for the body, only when it differs from url
};

RedirectEntry make_redirect_entry(const Link& link);
RedirectEntry missing_entry();
RedirectEntry gone_entry();

// Whether the entry, at `now`, answers with the redirect (false: 410 or 404).
inline bool live_at(const RedirectEntry& e, int64_t now) {
  return e.kind == RedirectEntry::Kind::Redirect && (e.expires_at == 0 || e.expires_at > now);
}

// Appends the full response and returns its status. For 404 and 410 the body is HTML or JSON
// depending on Accept.
int render_entry(const RedirectEntry& e, int64_t now, std::string_view date_line, bool keep_alive, bool head,
                  bool wants_html, std::string& out);

std::string html_escape(std::string_view s);

// The password form for a protected link: a page that posts back to /{code} and never contains the
// target. Appends the whole response (200, or 401 with a message after a wrong password) and
// returns its status.
int render_password_form(bool wrong, std::string_view date_line, bool keep_alive, bool head, std::string& out);

}  // namespace shortstack::links
