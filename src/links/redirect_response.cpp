#include "links/redirect_response.h"

#include "http/response.h"

namespace shortstack::links {
namespace {

// Redirects are not cached by browsers or shared caches by default, so every click reaches a counter
// and an edited target takes effect at once. The edge tier (stage 5) opts in explicitly.
constexpr std::string_view kRedirectCacheControl = "Cache-Control: private, no-cache\r\n";

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

void finish(std::string_view head, std::string_view body, std::string_view date_line, bool keep_alive, bool is_head,
            std::string& out) {
  out += head;
  out += date_line;
  if (!keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  if (!is_head) out += body;
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
  RedirectEntry e;
  if (link.deleted || link.disabled) return gone_entry();
  e.kind = RedirectEntry::Kind::Redirect;
  e.link_id = link.id;
  e.expires_at = link.expires_at;
  e.body = "<!doctype html><meta charset=utf-8><title>Redirecting</title><a href=\"" + html_escape(link.url) +
           "\">Continue</a>\n";
  e.head = status_line(link.redirect);
  e.head += "Location: ";
  e.head += link.url;  // validated at write time: no CR, LF or controls can be in it
  e.head += "\r\n";
  e.head += kRedirectCacheControl;
  e.head += "X-Content-Type-Options: nosniff\r\n";
  e.head += "Content-Type: text/html; charset=utf-8\r\nContent-Length: ";
  e.head += std::to_string(e.body.size());
  e.head += "\r\n";
  return e;
}

RedirectEntry missing_entry() { return RedirectEntry{RedirectEntry::Kind::Missing, 0, std::nullopt, {}, {}}; }
RedirectEntry gone_entry() { return RedirectEntry{RedirectEntry::Kind::Gone, 0, std::nullopt, {}, {}}; }

void render_entry(const RedirectEntry& e, int64_t now, std::string_view date_line, bool keep_alive, bool head,
                  bool wants_html, std::string& out) {
  if (live_at(e, now)) return finish(e.head, e.body, date_line, keep_alive, head, out);
  const StaticError& err = e.kind == RedirectEntry::Kind::Missing ? not_found() : gone();
  if (wants_html) finish(err.html_head, err.html_body, date_line, keep_alive, head, out);
  else finish(err.json_head, err.json_body, date_line, keep_alive, head, out);
}

}  // namespace shortstack::links
