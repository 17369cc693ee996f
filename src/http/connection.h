#pragma once
// One client connection on its event loop: read, parse, answer, write, and again, as a state machine
// driven by epoll events and by completions from the blocking pool.
#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "http/event_loop.h"
#include "http/handler.h"
#include "http/request.h"
#include "http/request_parser.h"

namespace boost::asio {
class thread_pool;
}

namespace shortstack::http {

// What a listener shares with all its connections.
struct ServeContext {
  Handler& handler;
  boost::asio::thread_pool& blocking;
  ParserLimits limits;
  std::chrono::milliseconds read_timeout;
  std::chrono::milliseconds idle_timeout;
  int reads_per_turn;
  std::atomic<size_t> open{0};
  std::atomic<size_t> in_flight{0};
  std::atomic<bool> closing{false};  // drain: close after the current response
};

class Connection final : public IoHandler {
 public:
  using Clock = EventLoop::Clock;
  // The connections of one listener on one loop; the sweeper walks it.
  using List = std::list<Connection*>;

  // Takes ownership of fd (non-blocking) and starts serving it. The connection owns itself: it
  // retires itself to the loop when it closes.
  static void open(int fd, std::string remote_ip, EventLoop& loop, ServeContext& ctx, List& list);
  ~Connection() override;

  void on_io(uint32_t events) override;
  // Closes the connection when its deadline has passed, or when it is idle and the listener drains.
  void sweep(Clock::time_point now, bool draining);
  // Closes without retiring: for a listener destroyed after its loops have stopped.
  void abandon();

 private:
  enum class State { Reading, Busy, Writing, Closed };
  // A request sent to the blocking pool, kept until its answer comes back to the loop.
  struct Pending {
    Exchange exchange;
    bool keep_alive;
    bool head;
    size_t consumed;
    Clock::time_point started;
  };

  Connection(int fd, std::string remote_ip, EventLoop& loop, ServeContext& ctx, List& list);
  void advance();
  bool fill();
  void answer_buffered();
  void send_to_pool(const Exchange& ex, bool keep_alive, size_t consumed, Clock::time_point started);
  void on_pool_answer(Response response);
  bool finish_round();
  bool flush();
  void close();

  int fd_;
  std::string remote_ip_;
  EventLoop& loop_;
  ServeContext& ctx_;
  List& list_;
  List::iterator self_;
  State state_ = State::Reading;
  bool readable_ = false;       // edge-triggered: bytes may be waiting until a read comes up short
  bool peer_closed_ = false;    // the peer shut down its side; answer what it sent, then close
  bool close_after_ = false;
  Clock::time_point deadline_{};
  std::vector<char> buf_;
  size_t begin_ = 0;            // first unparsed byte
  size_t end_ = 0;              // end of the bytes read
  std::string out_;
  size_t sent_ = 0;
  Request request_;             // views into buf_, which stays untouched while a request is Busy
  std::unique_ptr<Pending> pending_;
};

}  // namespace shortstack::http
