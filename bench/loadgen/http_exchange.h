#pragma once
// One HTTP/1.1 request and its response over a kept-alive connection, with a deadline: when it
// passes, the socket is closed, which fails whatever read or write is pending. A zone cut leaves
// packets unanswered rather than refused, so without a deadline a drill would wait forever.
#include <boost/asio.hpp>

#include <chrono>
#include <cstring>
#include <string>

namespace loadgen {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Response {
  int status = -1;  // -1: no response (connect, write, read or deadline failure)
  std::string location;
  std::string body;
};

inline std::string header_value(const std::string& head, const char* name) {
  const char* at = strcasestr(head.c_str(), name);
  if (!at) return {};
  const char* v = at + std::strlen(name);
  while (*v == ' ') ++v;
  const char* end = std::strstr(v, "\r\n");
  return end ? std::string(v, end) : std::string(v);
}

// Reads one response (headers, then Content-Length bytes) from `buf` and the socket.
inline asio::awaitable<Response> read_response(tcp::socket& s, std::string& buf) {
  Response r;
  for (;;) {
    const size_t end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      const std::string head = buf.substr(0, end + 2);
      const size_t length = std::strtoul(header_value(head, "\r\ncontent-length:").c_str(), nullptr, 10);
      while (buf.size() < end + 4 + length) {
        char tmp[16384];
        auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), asio::as_tuple(asio::use_awaitable));
        if (ec) co_return r;
        buf.append(tmp, n);
      }
      r.status = std::atoi(buf.c_str() + 9);
      r.location = header_value(head, "\r\nlocation:");
      r.body = buf.substr(end + 4, length);
      buf.erase(0, end + 4 + length);
      co_return r;
    }
    char tmp[16384];
    auto [ec, n] = co_await s.async_read_some(asio::buffer(tmp), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return r;
    buf.append(tmp, n);
  }
}

// A kept-alive connection that reconnects after any failure.
class Connection {
 public:
  Connection(asio::any_io_executor ex, tcp::endpoint ep, std::chrono::milliseconds timeout)
      : socket_(ex), watchdog_(ex), endpoint_(ep), timeout_(timeout) {}

  asio::awaitable<Response> exchange(const std::string& request) {
    watchdog_.expires_after(timeout_);
    watchdog_.async_wait([this](boost::system::error_code ec) {
      if (!ec) close();
    });
    Response r = co_await attempt(request);
    watchdog_.cancel();
    if (r.status < 0) close();
    co_return r;
  }

 private:
  asio::awaitable<Response> attempt(const std::string& request) {
    if (!socket_.is_open()) {
      auto [ec] = co_await socket_.async_connect(endpoint_, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return Response{};
      socket_.set_option(tcp::no_delay(true));
      buf_.clear();
    }
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(request), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return Response{};
    co_return co_await read_response(socket_, buf_);
  }
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer watchdog_;
  tcp::endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::string buf_;
};

}  // namespace loadgen
