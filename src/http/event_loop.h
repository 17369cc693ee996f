#pragma once
// One event loop per core, each on its own epoll instance. Everything a request touches on its loop
// (clock, Date header, click buffer, metrics shard) is reached through EventLoop::current(), so the
// hot path shares nothing between cores.
//
// The loop is ours rather than Asio's because of what a keep-alive redirect costs in system calls:
// Asio tries a read before every wait and so makes two recv calls per request, one of them EAGAIN
// (bench/syscalls.sh measured 1.67-1.84 per request against nginx's 0.98). Sockets registered
// edge-triggered for reading and writing once, and a short read taken to mean "drained", bring that
// to one recv and no epoll_ctl per request, which is what nginx does.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

struct epoll_event;

namespace shortstack::http {

// Something registered with a loop's epoll: a listening socket or a connection.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // On the loop's thread, with the epoll event bits that fired.
  virtual void on_io(uint32_t events) = 0;
};

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  // Click buffers flush every tick, so the tick bounds what a kill -9 can lose before the spool
  // has it (bench/RESULTS.md measures it): 100 ms lost ~9k clicks at 95k/s; 20 ms is a fifth of that.
  static constexpr auto kTick = std::chrono::milliseconds(20);

  explicit EventLoop(int index);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  int index() const { return index_; }

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

  // Runs on this loop every tick (20 ms); used to flush per-loop buffers and sweep timeouts.
  // Register before start(): the hook list is not guarded, because after start only the loop's own
  // thread reads it.
  void on_tick(std::function<void()> fn) { tick_hooks_.push_back(std::move(fn)); }

  // The epoll registration of fd; events for it go to handler on this loop's thread. Closing the
  // fd removes it, so close() needs no remove().
  void add(int fd, uint32_t events, IoHandler* handler);
  void modify(int fd, uint32_t events, IoHandler* handler);
  void remove(int fd);
  // Runs fn on this loop's thread; callable from any thread.
  void post(std::function<void()> fn);
  // Frees a handler that has closed its fd. Not at once: an event already fetched in this batch, or
  // a task posted to run next, may still name it, and will find it closed.
  void retire(std::unique_ptr<IoHandler> handler) { retired_.push_back(std::move(handler)); }

  void start();  // starts the thread
  void stop();   // stops the loop and joins; posted tasks not yet run are dropped
  static EventLoop* current();

 private:
  void run();
  void dispatch(const ::epoll_event* events, int ready);
  void run_posted();
  void tick();
  void update_date();
  void wake();
  int wait_timeout_ms() const;

  int index_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  Clock::time_point now_{};
  Clock::time_point next_tick_{};
  int64_t unix_now_ = 0;
  int64_t date_second_ = -1;
  std::array<char, 64 + kMaxFixedHeaders> date_line_{};
  std::string fixed_headers_;
  size_t date_len_ = 0;
  std::vector<std::function<void()>> tick_hooks_;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;  // guarded by posted_mutex_
  std::vector<std::function<void()>> running_;
  // Two generations, so that whatever named a handler in the turn it closed has run before it is freed.
  std::vector<std::unique_ptr<IoHandler>> retired_, retired_last_turn_;
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
