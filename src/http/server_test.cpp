// The listener and connection state machine in-process, over loopback: answers from the loop and
// from the blocking pool keep pipeline order, a response larger than the socket takes is resumed by
// the socket draining, a half-closed client still gets its answer, and drain closes idle clients.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "testing/http_client.h"

namespace shortstack::http {
namespace {

using testing::HttpConnection;

// "/inline..." is answered on the loop; anything else goes to the pool, as API calls do.
class TestHandler final : public Handler {
 public:
  bool try_inline(Exchange& ex, const RenderContext& ctx, std::string& out) override {
    if (ex.request.path.rfind("/inline", 0) != 0) return false;
    Response r;
    r.body = "inline:" + std::string(ex.request.path);
    render(r, ctx, out);
    ex.status = 200;
    return true;
  }
  Response handle(Exchange& ex) override {
    const std::string_view path = ex.request.path;
    if (path == "/throw") throw std::runtime_error("a handler bug");
    // Keeps the connection busy while the client's pipelined bytes pile up in the socket.
    if (path == "/slow") std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Response r;
    r.body = path == "/big" ? std::string(kBigBody, 'b') : "pool:" + std::string(path);
    return r;
  }
  void finished(const Exchange&, std::chrono::nanoseconds) override { finished_count.fetch_add(1); }

  static constexpr size_t kBigBody = 8 << 20;  // far more than loopback socket buffers hold
  std::atomic<int> finished_count{0};
};

class ListenerTest : public ::testing::Test {
 protected:
  void start(ListenerOptions options = {}) {
    options.port = 0;
    listener_ = std::make_unique<Listener>(loops_, pool_, handler_, options);
    port_ = listener_->start();
    loops_.start();
  }
  void TearDown() override {
    loops_.stop();
    pool_.join();
    listener_.reset();
  }
  // Polls without asserting any duration: the limit only keeps a broken build from hanging.
  template <class Pred>
  static bool eventually(Pred pred) {
    for (int i = 0; i < 500 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return pred();
  }

  LoopGroup loops_{2};
  boost::asio::thread_pool pool_{2};
  TestHandler handler_;
  std::unique_ptr<Listener> listener_;
  int port_ = 0;
};

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n";
}

TEST_F(ListenerTest, AnswersFromTheLoopAndThePoolKeepPipelineOrder) {
  start();
  HttpConnection c(port_);
  c.send_raw(get("/inline1") + get("/a") + get("/inline2") + get("/b") + get("/inline3"));
  for (const std::string expected : {"inline:/inline1", "pool:/a", "inline:/inline2", "pool:/b", "inline:/inline3"}) {
    auto r = c.read_response();
    ASSERT_TRUE(r) << expected;
    EXPECT_EQ(r->body, expected);
  }
  EXPECT_TRUE(eventually([&] { return handler_.finished_count.load() == 5; }));
}

TEST_F(ListenerTest, AResponseLargerThanTheSocketTakesArrivesWholeAndTheConnectionGoesOn) {
  start();
  HttpConnection c(port_);
  c.send_raw(get("/big") + get("/inline-after"));
  auto big = c.read_response();
  ASSERT_TRUE(big);
  EXPECT_EQ(big->body.size(), TestHandler::kBigBody);
  EXPECT_EQ(big->body.find_first_not_of('b'), std::string::npos);
  auto after = c.read_response();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "inline:/inline-after");
  c.send_raw(get("/inline-later"));
  EXPECT_EQ(c.read_response()->body, "inline:/inline-later");
}

TEST_F(ListenerTest, AHalfClosedClientGetsItsAnswersAndThenTheConnectionCloses) {
  start();
  HttpConnection c(port_);
  c.send_raw(get("/inline") + get("/pool"));
  c.shutdown_send();
  EXPECT_EQ(c.read_response()->body, "inline:/inline");
  EXPECT_EQ(c.read_response()->body, "pool:/pool");
  EXPECT_TRUE(c.closed_by_peer(5000));
  EXPECT_TRUE(eventually([&] { return listener_->open_connections() == 0; }));
}

TEST_F(ListenerTest, AHandlerThatThrowsGetsA500AndTheConnectionSurvives) {
  start();
  HttpConnection c(port_);
  c.send_raw(get("/throw"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find("\"code\":\"internal\""), std::string::npos) << r->body;
  c.send_raw(get("/inline"));
  EXPECT_EQ(c.read_response()->body, "inline:/inline");
}

// More pipelined bytes than one turn's reads take: the connection must come back for the rest by
// itself, because an edge-triggered socket raises no new event for bytes already waiting.
TEST_F(ListenerTest, ABurstLargerThanOneTurnsReadsIsAnsweredInFull) {
  ListenerOptions o;
  o.reads_per_turn = 1;
  start(o);
  HttpConnection c(port_);
  // A slow first request leaves the rest (~300 KB) waiting in the socket, to be read a turn at a time.
  constexpr int kRequests = 6000;
  std::string burst = get("/slow");
  for (int i = 0; i < kRequests; ++i) burst += get("/inline" + std::to_string(i));
  std::thread sender([&] { c.send_raw(burst); });
  auto slow = c.read_response();
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->body, "pool:/slow");
  int answered = 0;
  for (; answered < kRequests; ++answered) {
    auto r = c.read_response();
    if (!r || r->body != "inline:/inline" + std::to_string(answered)) break;
  }
  sender.join();
  EXPECT_EQ(answered, kRequests);
}

TEST_F(ListenerTest, DrainClosesIdleConnectionsAndAnswersTheRestWithConnectionClose) {
  start();
  HttpConnection idle(port_), busy(port_);
  idle.send_raw(get("/inline"));
  ASSERT_TRUE(idle.read_response());
  ASSERT_TRUE(eventually([&] { return listener_->open_connections() == 2; }));
  listener_->stop_accepting();
  listener_->begin_close_connections();
  busy.send_raw(get("/pool"));
  auto r = busy.read_response();
  // The sweep may close it before the request arrives; if it answered, it said it would close.
  if (r) {
    EXPECT_EQ(r->header("connection"), "close");
  }
  EXPECT_TRUE(idle.closed_by_peer(5000));
  EXPECT_TRUE(busy.closed_by_peer(5000));
  EXPECT_TRUE(eventually([&] { return listener_->open_connections() == 0; }));
  EXPECT_FALSE(HttpConnection(port_).connected()) << "the listening sockets are closed";
}

TEST_F(ListenerTest, TheConnectionCapRefusesWithA503) {
  ListenerOptions o;
  o.max_connections = 1;
  start(o);
  HttpConnection first(port_);
  first.send_raw(get("/inline"));
  ASSERT_TRUE(first.read_response());
  HttpConnection second(port_);
  auto r = second.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
}

TEST_F(ListenerTest, ASecondListenerOnABusyPortIsRefused) {
  start();
  LoopGroup other_loops(1);
  boost::asio::thread_pool other_pool(1);
  ListenerOptions o;
  o.port = static_cast<uint16_t>(port_);
  Listener second(other_loops, other_pool, handler_, o);
  EXPECT_THROW(second.start(), std::runtime_error);
  other_pool.join();
}

}  // namespace
}  // namespace shortstack::http
