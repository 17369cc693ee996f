#pragma once
// A deliberately small blocking HTTP/1.1 client for tests: it speaks to our own server over loopback,
// and can also send raw bytes to test how the server treats malformed input.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shortstack::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers keep the last
  std::vector<std::string> set_cookies;
  std::string body;
  std::string header(const std::string& name) const;
};

class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  bool connected() const { return fd_ >= 0; }
  void send_raw(const std::string& bytes);
  // Half-closes: the server sees end of input, and may still answer what was sent.
  void shutdown_send();
  // Reads one response; nullopt if the server closed the connection first or 5 s passed.
  std::optional<HttpResult> read_response(bool head_request = false);
  // True when the server has closed the connection (waits up to timeout_ms for that).
  bool closed_by_peer(int timeout_ms);

 private:
  bool fill(int timeout_ms);
  int fd_ = -1;
  std::string buffer_;
};

struct Request {
  std::string method = "GET";
  std::string path = "/";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  Request& header(std::string n, std::string v) {
    headers.emplace_back(std::move(n), std::move(v));
    return *this;
  }
};

// A desktop Firefox: what a person following a link sends. Requests without a User-Agent count as bots.
inline constexpr const char* kBrowserUserAgent =
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
// GET `path` as that browser would.
inline Request browser_get(std::string path) {
  return Request{"GET", std::move(path), "", {{"User-Agent", kBrowserUserAgent}}};
}

std::string render_request(const Request& r);
// One request on a fresh connection.
HttpResult http(int port, const Request& r);

int free_port();

}  // namespace shortstack::testing
