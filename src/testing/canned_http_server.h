#pragma once
// A tiny HTTP/1.1 server for tests of clients we write (the SSRF-safe fetcher): it binds a loopback
// address on a free port and answers each request with whatever the test's function returns for the
// path, then closes the connection. One thread; stopped and joined by the destructor.
#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace shortstack::testing {

class CannedHttpServer {
 public:
  // Returns the whole raw response for a path ("HTTP/1.1 200 OK\r\n...").
  using Answer = std::function<std::string(const std::string& path)>;
  explicit CannedHttpServer(Answer answer, const std::string& address = "127.0.0.1");
  ~CannedHttpServer();
  int port() const { return port_; }
  int requests() const { return requests_.load(); }

 private:
  void serve();

  Answer answer_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// "HTTP/1.1 <status> X\r\nContent-Length: ..\r\n<extra>\r\n<body>"
std::string canned_response(int status, const std::string& body, const std::string& extra_headers = "");

}  // namespace shortstack::testing
