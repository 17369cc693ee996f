#include "links/redirect_response.h"

#include <charconv>

#include "http/response.h"

namespace shortstack::links {
namespace {

// Redirects are not cached by browsers or shared caches by default, so every click reaches a counter
// and an edited target takes effect at once. The edge tier (stage 5) opts in explicitly.
constexpr std::string_view kAfterLocation =
    "\r\nCache-Control: private, no-cache\r\nX-Content-Type-Options: nosniff\r\n"
    "Content-Type: text/html; charset=utf-8\r\nContent-Length: ";
constexpr std::string_view kBodyPrefix = "<!doctype html><meta charset=utf-8><title>Redirecting</title><a href=\"";
constexpr std::string_view kBodySuffix = "\">Continue</a>\n";

std::string_view redirect_status_line(uint16_t status) {
  switch (status) {
    case 301: return "HTTP/1.1 301 Moved Permanently\r\nLocation: ";
    case 307: return "HTTP/1.1 307 Temporary Redirect\r\nLocation: ";
    case 308: return "HTTP/1.1 308 Permanent Redirect\r\nLocation: ";
    default: return "HTTP/1.1 302 Found\r\nLocation: ";
  }
}

std::string status_line(int status) {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(http::reason_phrase(status)) + "\r\n";
}

struct StaticError {
  std::string html_head, html_body, json_head, json_body;
};

StaticError make_static_error(int status, std::string_view code, std::string_view message) {
  StaticError e;
  e.html_body = "<!doctype html><meta charset=utf-8><title>" + std::to_string(status) + "</title><p>" +
                std::string(message) + "</p>\n";
  e.json_body = R"({"error":{"code":")" + std::string(code) + R"(","message":")" + std::string(message) + "\"}}";
  const std::string common = status_line(status) + "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n";
  e.html_head = common + "Content-Type: text/html; charset=utf-8\r\nContent-Security-Policy: default-src 'none'\r\n" +
                "Content-Length: " + std::to_string(e.html_body.size()) + "\r\n";
  e.json_head = common + "Content-Type: application/json\r\nContent-Length: " + std::to_string(e.json_body.size()) +
                "\r\n";
  return e;
}

const StaticError& not_found() {
  static const StaticError e = make_static_error(404, "not_found", "No link has this code.");
  return e;
}
const StaticError& gone() {
  static const StaticError e = make_static_error(410, "gone", "This link is disabled, expired or deleted.");
  return e;
}

void finish(std::string_view date_line, bool keep_alive, std::string& out) {
  out += date_line;
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
}

// The form page may not be framed (clickjacking), may only post to itself, and loads nothing.
constexpr std::string_view kFormHeaders =
    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
    "Content-Security-Policy: default-src 'none'; form-action 'self'; frame-ancestors 'none'\r\n"
    "X-Frame-Options: DENY\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ";

std::string password_form_page(bool wrong) {
  return std::string("<!doctype html><meta charset=utf-8><title>Password required</title>") +
         (wrong ? "<p>That password is not right.</p>" : "<p>This link is protected by a password.</p>") +
         "<form method=post><input type=password name=password autofocus required>"
         "<button>Continue</button></form>\n";
}

// A warning that replaces the redirect while moderation looks at a reported link. The target is shown
// as text and as a link the visitor may still choose to follow, without a referrer.
std::string quarantine_page(std::string_view escaped_url) {
  return std::string("<!doctype html><meta charset=utf-8><title>Warning: reported link</title>"
                     "<h1>This link has been reported</h1>"
                     "<p>It is on hold while it is reviewed, and may lead to a harmful site:</p><p><code>") +
         std::string(escaped_url) + "</code></p><p><a href=\"" + std::string(escaped_url) +
         "\" rel=\"noreferrer noopener\">Continue anyway</a></p>\n";
}

void append_number(std::string& out, size_t n) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
}

}  // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

RedirectEntry make_redirect_entry(const Link& link) {
  if (link.deleted || link.disabled || link.moderation == kModeratedOff) return gone_entry();
  RedirectEntry e;
  if (!link.password_hash.empty()) {
    e.kind = RedirectEntry::Kind::Protected;
    e.link_id = link.id;
    e.owner_id = link.owner_id;
    e.expires_at = link.expires_at.value_or(0);
    return e;  // no URL: the cache never holds a protected target
  }
  e.kind = link.moderation == kQuarantined ? RedirectEntry::Kind::Quarantined : RedirectEntry::Kind::Redirect;
  e.status = static_cast<uint16_t>(link.redirect);
  e.link_id = link.id;
  e.owner_id = link.owner_id;
  e.expires_at = link.expires_at.value_or(0);
  e.url = link.url;  // validated at write time: no CR, LF or controls can be in it
  if (std::string escaped = html_escape(link.url); escaped != link.url) e.escaped_url = std::move(escaped);
  return e;
}

int render_password_form(bool wrong, std::string_view date_line, bool keep_alive, bool head, std::string& out) {
  static const std::string first = password_form_page(false), again = password_form_page(true);
  const std::string& body = wrong ? again : first;
  out += wrong ? "HTTP/1.1 401 Unauthorized\r\n" : "HTTP/1.1 200 OK\r\n";
  out += kFormHeaders;
  append_number(out, body.size());
  out += "\r\n";
  finish(date_line, keep_alive, out);
  if (!head) out += body;
  return wrong ? 401 : 200;
}

RedirectEntry missing_entry() { return RedirectEntry{}; }
RedirectEntry gone_entry() {
  RedirectEntry e;
  e.kind = RedirectEntry::Kind::Gone;
  return e;
}

int render_entry(const RedirectEntry& e, int64_t now, std::string_view date_line, bool keep_alive, bool head,
                  bool wants_html, std::string& out) {
  if (live_at(e, now)) {
    const std::string_view in_body = e.escaped_url.empty() ? std::string_view(e.url) : e.escaped_url;
    out += redirect_status_line(e.status);
    out += e.url;
    out += kAfterLocation;
    append_number(out, kBodyPrefix.size() + in_body.size() + kBodySuffix.size());
    out += "\r\n";
    finish(date_line, keep_alive, out);
    if (!head) {
      out += kBodyPrefix;
      out += in_body;
      out += kBodySuffix;
    }
    return e.status;
  }
  const bool unexpired = e.expires_at == 0 || e.expires_at > now;
  if (e.kind == RedirectEntry::Kind::Protected && unexpired)
    return render_password_form(false, date_line, keep_alive, head, out);
  if (e.kind == RedirectEntry::Kind::Quarantined && unexpired) {
    const std::string body = quarantine_page(e.escaped_url.empty() ? std::string_view(e.url) : e.escaped_url);
    out += "HTTP/1.1 200 OK\r\n";
    out += kFormHeaders;
    append_number(out, body.size());
    out += "\r\n";
    finish(date_line, keep_alive, out);
    if (!head) out += body;
    return 200;
  }
  const StaticError& err = e.kind == RedirectEntry::Kind::Missing ? not_found() : gone();
  out += wants_html ? err.html_head : err.json_head;
  finish(date_line, keep_alive, out);
  if (!head) out += wants_html ? err.html_body : err.json_body;
  return e.kind == RedirectEntry::Kind::Missing ? 404 : 410;
}

}  // namespace shortstack::links
