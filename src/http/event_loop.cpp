#include "http/event_loop.h"

#include <cerrno>
#include <future>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>

#include "core/thread_name.h"
#include "core/time_format.h"
#include "log/log.h"

namespace shortstack::http {
namespace {
thread_local EventLoop* t_current = nullptr;

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

// Events fetched per epoll_wait; more wait for the next turn, which comes at once.
constexpr int kMaxEvents = 256;

// An exception that escaped this thread would end the process, and every connection of every loop
// with it. Connections catch their own; this is the net under the rest (the acceptor's epoll_ctl
// failing with ENOMEM, a tick hook's bad_alloc): what threw loses its turn, the loop goes on.
template <class F>
void guarded(std::string_view what, F&& fn) noexcept {
  try {
    fn();
  } catch (const std::exception& e) {
    log::error("loop_task_failed", {{"what", what}, {"error", e.what()}});
  } catch (...) {
    log::error("loop_task_failed", {{"what", what}, {"error", "unknown exception"}});
  }
}
}  // namespace

EventLoop::EventLoop(int index) : index_(index) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(epoll_fd_);
    throw_errno("eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the one registration without a handler
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  refresh_now();
}

EventLoop::~EventLoop() {
  stop();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

EventLoop* EventLoop::current() { return t_current; }

EventLoop::Clock::time_point EventLoop::refresh_now() {
  now_ = Clock::now();
  return now_;
}

void EventLoop::update_date() {
  unix_now_ = shortstack::unix_now();
  if (unix_now_ == date_second_) return;
  date_second_ = unix_now_;
  // Same length every second, so string_views into it stay valid while a request is in flight.
  const std::string line = "Date: " + format_http_date(unix_now_) + "\r\n" + fixed_headers_;
  date_len_ = line.copy(date_line_.data(), date_line_.size());
}

bool EventLoop::set_fixed_headers(std::string lines) {
  if (lines.size() > kMaxFixedHeaders) return false;
  fixed_headers_ = std::move(lines);
  date_second_ = -1;  // rebuilt on the next update
  return true;
}

void EventLoop::add(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) throw_errno("epoll_ctl add");
}

void EventLoop::modify(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) throw_errno("epoll_ctl mod");
}

void EventLoop::remove(int fd) { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::post(std::function<void()> fn) {
  bool was_empty = false;
  {
    std::lock_guard lock(posted_mutex_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(fn));
  }
  // One wake-up per batch: the loop takes the whole queue at once, so a post that finds it
  // non-empty is already covered by the write that made it so.
  if (was_empty) wake();
}

void EventLoop::wake() {
  const uint64_t one = 1;
  // A full counter (impossible in practice) still leaves the fd readable, which is all we need.
  [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
}

int EventLoop::wait_timeout_ms() const {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(next_tick_ - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

void EventLoop::dispatch(const epoll_event* events, int ready) {
  for (int i = 0; i < ready; ++i) {
    if (auto* handler = static_cast<IoHandler*>(events[i].data.ptr)) {
      guarded("io", [&] { handler->on_io(events[i].events); });
    } else {
      uint64_t count;  // the wake-up: reset the eventfd; the posted tasks run after this batch
      [[maybe_unused]] const auto r = ::read(wake_fd_, &count, sizeof count);
    }
  }
}

void EventLoop::run_posted() {
  {
    std::lock_guard lock(posted_mutex_);
    running_.swap(posted_);
  }
  for (auto& fn : running_) guarded("posted", fn);
  running_.clear();
}

void EventLoop::tick() {
  update_date();
  for (auto& hook : tick_hooks_) guarded("tick", hook);
  next_tick_ = now_ + kTick;
}

void EventLoop::run() {
  t_current = this;
  std::array<epoll_event, kMaxEvents> events;
  next_tick_ = refresh_now();
  while (!stopping_.load(std::memory_order_acquire)) {
    const int n = ::epoll_wait(epoll_fd_, events.data(), kMaxEvents, wait_timeout_ms());
    refresh_now();
    dispatch(events.data(), n);
    run_posted();
    if (now_ >= next_tick_) tick();
    retired_last_turn_.clear();
    retired_last_turn_.swap(retired_);
  }
  t_current = nullptr;
}

void EventLoop::start() {
  update_date();
  stopping_.store(false);
  thread_ = std::thread([this] {
    name_this_thread("loop-" + std::to_string(index_));
    run();
  });
}

void EventLoop::stop() {
  stopping_.store(true, std::memory_order_release);
  wake();
  if (thread_.joinable()) thread_.join();
}

LoopGroup::LoopGroup(int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) loops_.push_back(std::make_unique<EventLoop>(i));
}

LoopGroup::~LoopGroup() { stop(); }

void LoopGroup::start() {
  for (auto& l : loops_) l->start();
  running_ = true;
}

void LoopGroup::stop() {
  if (!running_) return;
  for (auto& l : loops_) l->stop();
  running_ = false;
}

void LoopGroup::run_on_each(const std::function<void(EventLoop&)>& fn) {
  std::vector<std::future<void>> done;
  for (auto& l : loops_) {
    auto p = std::make_shared<std::promise<void>>();
    done.push_back(p->get_future());
    l->post([&fn, &loop = *l, p] {
      fn(loop);
      p->set_value();
    });
  }
  for (auto& f : done) f.wait();
}

}  // namespace shortstack::http
