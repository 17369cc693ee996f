#pragma once
// A listening socket on one loop: accepts connections onto that loop, or refuses them with a 503
// once the listener is at its connection cap.
#include <cstddef>

#include "http/connection.h"
#include "http/event_loop.h"

namespace shortstack::http {

class Acceptor final : public IoHandler {
 public:
  // Takes the listening socket and registers it with the loop.
  Acceptor(int fd, EventLoop& loop, ServeContext& ctx, size_t max_connections, Connection::List& connections);
  ~Acceptor() override;
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  void on_io(uint32_t events) override;
  // On the loop's tick: accepting again after a pause for want of descriptors.
  void resume_if_due(EventLoop::Clock::time_point now);
  // On the loop's thread: stops accepting; the kernel resets connections still queued.
  void close();

 private:
  void pause();

  int fd_;
  EventLoop& loop_;
  ServeContext& ctx_;
  size_t max_connections_;
  Connection::List& connections_;
  bool paused_ = false;
  EventLoop::Clock::time_point paused_until_{};
};

}  // namespace shortstack::http
