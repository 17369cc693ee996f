#pragma once
// One event loop per core. Everything a request touches on its loop (clock, Date header, click buffer,
// metrics shard) is reached through EventLoop::current(), so the hot path shares nothing between cores.
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

namespace shortstack::http {

struct Connection;

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  // Click buffers flush every tick, so the tick bounds what a kill -9 can lose before the spool
  // has it (bench/RESULTS.md measures it): 100 ms lost ~9k clicks at 95k/s; 20 ms is a fifth of that.
  static constexpr auto kTick = std::chrono::milliseconds(20);

  explicit EventLoop(int index);
  int index() const { return index_; }
  boost::asio::io_context& io() { return io_; }

  // Time is read once per wake-up, not once per request: a clock read costs ~24 ns in this VM.
  Clock::time_point now() const { return now_; }
  int64_t unix_now() const { return unix_now_; }
  Clock::time_point refresh_now();
  // "Date: ...\r\n" and any fixed headers after it: every response carries these lines.
  std::string_view date_line() const { return {date_line_.data(), date_len_}; }
  // Headers every response on this loop carries (HSTS, say), sent after Date at no per-request
  // cost. Before start() only; at most kMaxFixedHeaders bytes.
  bool set_fixed_headers(std::string lines);
  static constexpr size_t kMaxFixedHeaders = 160;

  // Runs on this loop every tick (20 ms); used to flush per-loop buffers. Register before start():
  // the hook list is not guarded, because after start only the loop's own thread reads it.
  void on_tick(std::function<void()> fn) { tick_hooks_.push_back(std::move(fn)); }

  std::list<Connection*>& connections() { return connections_; }

  void start();  // starts the thread
  void stop();   // stops the io_context and joins
  static EventLoop* current();

 private:
  void run();
  void schedule_tick();
  void update_date();

  int index_;
  boost::asio::io_context io_{1};
  boost::asio::steady_timer tick_timer_{io_};
  Clock::time_point now_{};
  int64_t unix_now_ = 0;
  int64_t date_second_ = -1;
  std::array<char, 64 + kMaxFixedHeaders> date_line_{};
  std::string fixed_headers_;
  size_t date_len_ = 0;
  std::vector<std::function<void()>> tick_hooks_;
  std::list<Connection*> connections_;
  std::thread thread_;
};

// The set of loops, one per core by default.
class LoopGroup {
 public:
  explicit LoopGroup(int threads);
  ~LoopGroup();
  size_t size() const { return loops_.size(); }
  bool set_fixed_headers(const std::string& lines) {
    for (auto& l : loops_)
      if (!l->set_fixed_headers(lines)) return false;
    return true;
  }
  EventLoop& at(size_t i) { return *loops_[i]; }
  void start();
  void stop();
  // Runs fn on every loop and waits for all of them.
  void run_on_each(const std::function<void(EventLoop&)>& fn);

 private:
  std::vector<std::unique_ptr<EventLoop>> loops_;
  bool running_ = false;
};

}  // namespace shortstack::http
