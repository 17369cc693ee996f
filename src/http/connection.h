#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <list>
#include <string>

#include "http/event_loop.h"

namespace shortstack::http {

// What the per-loop sweeper needs to know about a connection to enforce timeouts and drain.
struct Connection {
  enum class State { Reading, Busy, Writing };
  boost::asio::ip::tcp::socket socket;
  State state = State::Reading;
  bool has_partial_request = false;
  EventLoop::Clock::time_point deadline{};
  std::list<Connection*>::iterator self;
  std::string remote_ip;

  explicit Connection(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
};

}  // namespace shortstack::http
