#include "http/response.h"

#include <boost/json.hpp>

namespace shortstack::http {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

Response json_error(int status, std::string_view code, std::string_view message) {
  boost::json::object inner;
  inner["code"] = code;
  inner["message"] = message;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  return json_response(status, boost::json::serialize(outer));
}

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

void render(const Response& r, const RenderContext& ctx, std::string& out) {
  if (!r.prerendered_head.empty()) {
    out += r.prerendered_head;
    out += ctx.date_line;
    if (!ctx.keep_alive || r.close) out += "Connection: close\r\n";
    out += "\r\n";
    if (!ctx.head) out += r.body;
    return;
  }
  out += "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += reason_phrase(r.status);
  out += "\r\n";
  out += ctx.date_line;
  out += "X-Content-Type-Options: nosniff\r\n";
  if (!r.content_type.empty()) {
    out += "Content-Type: ";
    out += r.content_type;
    out += "\r\n";
  }
  for (const auto& [name, value] : r.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  // 204 and 304 carry no body and no Content-Length (RFC 9110 section 8.6).
  if (r.status != 204 && r.status != 304) {
    out += "Content-Length: ";
    out += std::to_string(r.body.size());
    out += "\r\n";
  }
  if (!ctx.keep_alive || r.close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!ctx.head && r.status != 204 && r.status != 304) out += r.body;
}

}  // namespace shortstack::http
