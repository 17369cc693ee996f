#include "http/event_loop.h"

#include <boost/asio/post.hpp>
#include <future>

#include "core/thread_name.h"
#include "core/time_format.h"

namespace shortstack::http {
namespace {
thread_local EventLoop* t_current = nullptr;
}

EventLoop::EventLoop(int index) : index_(index) { refresh_now(); }

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

void EventLoop::schedule_tick() {
  tick_timer_.expires_after(kTick);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    refresh_now();
    update_date();
    for (auto& hook : tick_hooks_) hook();
    schedule_tick();
  });
}

void EventLoop::start() {
  update_date();
  thread_ = std::thread([this] {
    name_this_thread("loop-" + std::to_string(index_));
    run();
  });
}

void EventLoop::run() {
  t_current = this;
  schedule_tick();
  io_.run();
  t_current = nullptr;
}

void EventLoop::stop() {
  io_.stop();
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
    boost::asio::post(l->io(), [&fn, &loop = *l, p] {
      fn(loop);
      p->set_value();
    });
  }
  for (auto& f : done) f.wait();
}

}  // namespace shortstack::http
