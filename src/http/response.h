#pragma once
// Responses built by handlers, and the rendering into a connection's output buffer.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shortstack::http {

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;  // force Connection: close after this response
  // When set, the whole status line and header block except Date and Connection, already rendered
  // (the redirect path's cached form); status and body must still be filled in.
  std::string prerendered_head;

  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

std::string_view reason_phrase(int status);

// JSON error body in the one shape every client sees: {"error":{"code":"…","message":"…"}}.
Response json_error(int status, std::string_view code, std::string_view message);
Response json_response(int status, std::string body);

struct RenderContext {
  std::string_view date_line;  // "Date: ...\r\n", refreshed once a second per event loop
  bool keep_alive = true;
  bool head = false;
};

void render(const Response& response, const RenderContext& ctx, std::string& out);

}  // namespace shortstack::http
