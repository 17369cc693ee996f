// The loop's own scheduling: tasks posted from other threads, ticks, and running on every loop.
#include "http/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

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

}  // namespace
}  // namespace shortstack::http
