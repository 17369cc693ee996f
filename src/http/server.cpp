#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <sys/socket.h>

#include "http/blocking.h"
#include "http/connection.h"

namespace shortstack::http {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = EventLoop::Clock;

struct Listener::Impl {
  LoopGroup& loops;
  asio::thread_pool& blocking;
  Handler& handler;
  ListenerOptions options;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;  // index = loop index, null if not accepting there
  std::atomic<size_t> open{0};
  std::atomic<size_t> in_flight{0};
  std::atomic<bool> closing{false};

  Impl(LoopGroup& l, asio::thread_pool& b, Handler& h, ListenerOptions o)
      : loops(l), blocking(b), handler(h), options(std::move(o)) {}

  tcp::acceptor bind(EventLoop& loop, uint16_t port);
  asio::awaitable<void> accept_loop(EventLoop& loop, tcp::acceptor& acceptor);
  asio::awaitable<void> serve(EventLoop& loop, tcp::socket socket);
  void sweep(EventLoop& loop);
};

// SO_REUSEPORT would let this listener join a port another process already listens on, and the
// kernel would then split connections between the two without a word: a stray second `serve`
// answering half the requests from another data dir. A bind without it fails on a port that anyone
// listens on (SO_REUSEADDR still allows one whose old connections linger in TIME_WAIT), so
// probing with one first turns that into the usual "address in use".
namespace {
void refuse_port_in_use(asio::io_context& io, const tcp::endpoint& ep) {
  tcp::acceptor probe(io);
  probe.open(ep.protocol());
  probe.set_option(tcp::acceptor::reuse_address(true));
  boost::system::error_code ec;
  probe.bind(ep, ec);
  if (ec == asio::error::address_in_use)
    throw std::runtime_error(ep.address().to_string() + ":" + std::to_string(ep.port()) +
                             " is in use: another process is listening on it");
  if (ec) throw boost::system::system_error(ec);
}
}  // namespace

tcp::acceptor Listener::Impl::bind(EventLoop& loop, uint16_t port) {
  tcp::endpoint ep(asio::ip::make_address(options.host), port);
  tcp::acceptor acc(loop.io());
  acc.open(ep.protocol());
  acc.set_option(tcp::acceptor::reuse_address(true));
  int one = 1;
  // SO_REUSEPORT lets the kernel spread accepted connections across the loops' acceptors.
  ::setsockopt(acc.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  acc.bind(ep);
  acc.listen(4096);
  return acc;
}

asio::awaitable<void> Listener::Impl::accept_loop(EventLoop& loop, tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // EMFILE and friends: back off briefly instead of spinning.
      asio::steady_timer t(loop.io(), std::chrono::milliseconds(50));
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (open.load(std::memory_order_relaxed) >= options.max_connections) {
      // Rendered once by the normal renderer, so its framing can never drift from the body.
      static const std::string kBusy = [] {
        std::string out;
        render(json_error(503, "overloaded", "too many open connections"), {"", false, false}, out);
        return out;
      }();
      boost::system::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(kBusy), ignored);
      socket.close(ignored);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    asio::co_spawn(loop.io(), serve(loop, std::move(socket)), asio::detached);
  }
}

namespace {

// Grows the read buffer, or moves unparsed bytes to its front, so at least some room is free.
void make_room(std::vector<char>& buf, size_t& begin, size_t& end, size_t limit) {
  if (begin > 0) {
    std::memmove(buf.data(), buf.data() + begin, end - begin);
    end -= begin;
    begin = 0;
  }
  if (end == buf.size() && buf.size() < limit) buf.resize(std::min(limit, buf.size() * 2));
}

}  // namespace

asio::awaitable<void> Listener::Impl::serve(EventLoop& loop, tcp::socket socket) {
  open.fetch_add(1, std::memory_order_relaxed);
  Connection conn(std::move(socket));
  auto& list = loop.connections();
  conn.self = list.insert(list.end(), &conn);
  conn.deadline = loop.now() + options.idle_timeout;
  {
    boost::system::error_code ec;
    auto ep = conn.socket.remote_endpoint(ec);
    if (!ec) conn.remote_ip = ep.address().to_string();
  }

  const size_t buffer_limit = options.limits.max_header_bytes + options.limits.max_body_bytes + 4096;
  std::vector<char> buf(8192);
  size_t begin = 0, end = 0;
  std::string out;
  bool close_after = false;

  while (!close_after) {
    if (end == buf.size()) make_room(buf, begin, end, buffer_limit);
    conn.state = Connection::State::Reading;
    auto [ec, n] = co_await conn.socket.async_read_some(asio::buffer(buf.data() + end, buf.size() - end),
                                                        asio::as_tuple(asio::use_awaitable));
    if (ec || n == 0) break;
    end += n;
    const auto started = loop.refresh_now();

    while (begin < end) {
      Request req;
      const ParseResult pr = parse_request({buf.data() + begin, end - begin}, options.limits, req);
      if (pr.status == ParseStatus::Incomplete) break;
      if (pr.status == ParseStatus::Error) {
        const char* code = pr.error_status == 413   ? "payload_too_large"
                           : pr.error_status == 431 ? "header_too_large"
                                                    : "bad_request";
        render(json_error(pr.error_status, code, pr.error), {loop.date_line(), false, false}, out);
        close_after = true;
        break;
      }
      const bool keep_alive = req.keep_alive && !closing.load(std::memory_order_relaxed);
      Exchange ex{req, conn.remote_ip};
      in_flight.fetch_add(1, std::memory_order_relaxed);
      if (!handler.try_inline(ex, {loop.date_line(), keep_alive, req.head()}, out)) {
        conn.state = Connection::State::Busy;
        Response r = co_await run_blocking(blocking, [this, &ex] { return handler.handle(ex); });
        ex.status = r.status;
        render(r, {loop.date_line(), keep_alive, req.head()}, out);
        if (r.close) close_after = true;
      }
      in_flight.fetch_sub(1, std::memory_order_relaxed);
      handler.finished(ex, Clock::now() - started);
      begin += pr.consumed;
      if (!keep_alive) {
        close_after = true;
        break;
      }
    }
    if (begin == end) begin = end = 0;
    else if (end == buf.size()) make_room(buf, begin, end, buffer_limit);

    if (!out.empty()) {
      conn.state = Connection::State::Writing;
      conn.deadline = loop.now() + options.read_timeout;
      auto [wec, written] = co_await asio::async_write(conn.socket, asio::buffer(out), asio::as_tuple(asio::use_awaitable));
      if (wec) break;
      // Keep the capacity for the next response, but not a huge one left by a big body.
      if (out.capacity() > 65536) out = std::string();
      else out.clear();
    }
    conn.has_partial_request = begin != end;
    conn.deadline = loop.now() + (conn.has_partial_request ? options.read_timeout : options.idle_timeout);
  }

  boost::system::error_code ignored;
  conn.socket.shutdown(tcp::socket::shutdown_send, ignored);
  conn.socket.close(ignored);
  list.erase(conn.self);
  open.fetch_sub(1, std::memory_order_relaxed);
}

void Listener::Impl::sweep(EventLoop& loop) {
  const auto now = loop.now();
  const bool draining = closing.load(std::memory_order_relaxed);
  for (Connection* c : loop.connections()) {
    if (c->state == Connection::State::Busy || !c->socket.is_open()) continue;
    const bool idle = c->state == Connection::State::Reading && !c->has_partial_request;
    if (now >= c->deadline || (draining && idle)) {
      boost::system::error_code ignored;
      c->socket.close(ignored);
    }
  }
}

Listener::Listener(LoopGroup& loops, asio::thread_pool& blocking, Handler& handler, ListenerOptions options)
    : impl_(std::make_unique<Impl>(loops, blocking, handler, std::move(options))) {}

size_t Listener::open_connections() const { return impl_->open.load(); }
size_t Listener::in_flight() const { return impl_->in_flight.load(); }

Listener::~Listener() = default;

uint16_t Listener::start() {
  uint16_t port = impl_->options.port;
  const size_t n = impl_->options.all_loops ? impl_->loops.size() : 1;
  if (port != 0)  // port 0 picks a free port, which nobody else listens on
    refuse_port_in_use(impl_->loops.at(0).io(),
                       tcp::endpoint(asio::ip::make_address(impl_->options.host), port));
  impl_->acceptors.resize(n);
  for (size_t i = 0; i < n; ++i) {
    EventLoop& loop = impl_->loops.at(i);
    impl_->acceptors[i] = std::make_unique<tcp::acceptor>(impl_->bind(loop, port));
    port = impl_->acceptors[i]->local_endpoint().port();  // the others join the first one's port
    asio::co_spawn(loop.io(), impl_->accept_loop(loop, *impl_->acceptors[i]), asio::detached);
    // Timeouts need 100 ms resolution, not the tick's 20 ms: walking every connection is not free.
    loop.on_tick([impl = impl_.get(), &loop, ticks = 0]() mutable {
      if (++ticks % 5 == 0) impl->sweep(loop);
    });
  }
  return port;
}

void Listener::stop_accepting() {
  for (size_t i = 0; i < impl_->acceptors.size(); ++i) {
    std::promise<void> done;
    asio::post(impl_->loops.at(i).io(), [&] {
      boost::system::error_code ignored;
      impl_->acceptors[i]->close(ignored);
      done.set_value();
    });
    done.get_future().wait();
  }
}

void Listener::begin_close_connections() { impl_->closing.store(true); }

}  // namespace shortstack::http
