// The loop's own scheduling: tasks posted from other threads, ticks, and running on every loop.
#include "http/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <sys/epoll.h>
#include <unistd.h>

namespace shortstack::http {
namespace {

TEST(EventLoop, APostFromAnotherThreadRunsOnTheLoopsThread) {
  LoopGroup loops(1);
  loops.start();
  std::promise<EventLoop*> ran_on;
  std::thread([&] { loops.at(0).post([&] { ran_on.set_value(EventLoop::current()); }); }).join();
  EXPECT_EQ(ran_on.get_future().get(), &loops.at(0));
}

TEST(EventLoop, PostsRunInTheOrderTheyWereMade) {
  LoopGroup loops(1);
  loops.start();
  std::vector<int> seen;
  std::promise<void> done;
  for (int i = 0; i < 1000; ++i) loops.at(0).post([&seen, i] { seen.push_back(i); });
  loops.at(0).post([&] { done.set_value(); });
  done.get_future().wait();
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);
}

TEST(EventLoop, TickHooksRunOnTheLoopWithTheDateSet) {
  LoopGroup loops(1);
  std::promise<std::string> date;
  bool set = false;
  loops.at(0).on_tick([&] {
    if (set) return;
    set = true;
    date.set_value(std::string(EventLoop::current()->date_line()));
  });
  loops.start();
  const std::string line = date.get_future().get();
  EXPECT_EQ(line.rfind("Date: ", 0), 0u) << line;
  EXPECT_EQ(line.substr(line.size() - 5), "GMT\r\n") << line;
}

TEST(EventLoop, RunOnEachReachesEveryLoopAndWaits) {
  LoopGroup loops(3);
  loops.start();
  std::atomic<int> mask{0};
  loops.run_on_each([&](EventLoop& loop) {
    EXPECT_EQ(EventLoop::current(), &loop);
    mask.fetch_or(1 << loop.index());
  });
  EXPECT_EQ(mask.load(), 0b111);
}

TEST(EventLoop, ATaskPostedAfterStopIsDroppedNotRun) {
  LoopGroup loops(1);
  loops.start();
  loops.stop();
  loops.at(0).post([] { FAIL() << "a stopped loop ran a task"; });
}

// Something that throws on the loop loses its own turn; the loop, and so the process, go on.
class ThrowingHandler final : public IoHandler {
 public:
  std::atomic<int> calls{0};
  void on_io(uint32_t) override {
    ++calls;
    throw std::runtime_error("handler failed");
  }
};

TEST(EventLoop, AHandlerTaskOrHookThatThrowsDoesNotEndTheLoop) {
  ThrowingHandler handler;  // before the loops, so it outlives them even when an assertion returns early
  LoopGroup loops(1);
  EventLoop& loop = loops.at(0);
  std::atomic<int> ticks{0};
  loop.on_tick([&] {
    ++ticks;
    throw std::runtime_error("hook failed");
  });
  loops.start();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  loop.add(fds[0], EPOLLIN, &handler);  // level-triggered: it fires every turn until read
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  loop.post([] { throw std::runtime_error("task failed"); });
  // The loop still runs posted work after all three threw, again and again.
  for (int round = 0; round < 3; ++round) {
    std::promise<void> ran;
    loop.post([&] { ran.set_value(); });
    ASSERT_EQ(ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }
  EXPECT_GT(handler.calls.load(), 0);
  while (ticks.load() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  loop.remove(fds[0]);
  loops.stop();
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace shortstack::http
