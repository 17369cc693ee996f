#pragma once
// HTTP/1.1 listeners on the loop group: one SO_REUSEPORT listening socket per loop, keep-alive,
// pipelining (all responses to one read go out in one write), read and idle timeouts, a connection
// cap, and drain.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/event_loop.h"
#include "http/handler.h"
#include "http/request_parser.h"

namespace boost::asio {
class thread_pool;
}

namespace shortstack::http {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  bool all_loops = true;  // false: only loop 0 accepts (the admin listener)
  size_t max_connections = 10000;
  ParserLimits limits;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  // Reads one connection may make per loop turn while its socket stays full, so that a client
  // pipelining without pause cannot starve the others on its loop.
  int reads_per_turn = 16;
};

// Destroy a listener only after its loops have stopped and its blocking pool has been joined.
class Listener {
 public:
  Listener(LoopGroup& loops, boost::asio::thread_pool& blocking, Handler& handler, ListenerOptions options);
  ~Listener();
  // Binds and starts accepting once the loops run; returns the bound port (useful with port 0).
  // Call before the loops start.
  uint16_t start();
  // Closes the listening sockets; established connections keep being served.
  void stop_accepting();
  // From now on each connection closes after its current response; idle ones close at the next sweep.
  void begin_close_connections();
  size_t open_connections() const;
  size_t in_flight() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace shortstack::http
