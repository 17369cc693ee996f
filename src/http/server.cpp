#include "http/server.h"

#include <algorithm>
#include <future>

#include "http/acceptor.h"
#include "http/connection.h"
#include "http/listen_socket.h"

namespace shortstack::http {

struct Listener::Impl {
  LoopGroup& loops;
  ListenerOptions options;
  ServeContext ctx;
  // Index = loop index; each loop's list and acceptor are touched only on that loop's thread.
  std::vector<Connection::List> connections;
  std::vector<std::unique_ptr<Acceptor>> acceptors;

  Impl(LoopGroup& l, boost::asio::thread_pool& blocking, Handler& handler, ListenerOptions o)
      : loops(l), options(std::move(o)), ctx{handler, blocking, options.limits, options.read_timeout, options.idle_timeout,
            std::max(1, options.reads_per_turn)} {}

  ~Impl() {
    // The loops have stopped, so nothing else can reach these connections.
    for (auto& list : connections)
      while (!list.empty()) list.front()->abandon();
  }

  void sweep(size_t loop_index) {
    EventLoop& loop = loops.at(loop_index);
    const bool draining = ctx.closing.load(std::memory_order_relaxed);
    auto& list = connections[loop_index];
    for (auto it = list.begin(); it != list.end();) {
      Connection* c = *it++;  // advanced first: a sweep that closes c erases it from the list
      c->sweep(loop.now(), draining);
    }
  }
};

Listener::Listener(LoopGroup& loops, boost::asio::thread_pool& blocking, Handler& handler, ListenerOptions options)
    : impl_(std::make_unique<Impl>(loops, blocking, handler, std::move(options))) {}

Listener::~Listener() = default;

size_t Listener::open_connections() const { return impl_->ctx.open.load(); }
size_t Listener::in_flight() const { return impl_->ctx.in_flight.load(); }

uint16_t Listener::start() {
  Impl& impl = *impl_;
  const std::string& host = impl.options.host;
  uint16_t port = impl.options.port;
  const size_t n = impl.options.all_loops ? impl.loops.size() : 1;
  if (port != 0) refuse_port_in_use(host, port);  // port 0 picks a free port, which nobody else listens on
  impl.connections.resize(n);
  for (size_t i = 0; i < n; ++i) {
    EventLoop& loop = impl.loops.at(i);
    const int fd = open_listening_socket(host, port);
    port = bound_port(fd);  // the other loops join the first one's port
    impl.acceptors.push_back(
        std::make_unique<Acceptor>(fd, loop, impl.ctx, impl.options.max_connections, impl.connections[i]));
    // Timeouts need 100 ms resolution, not the tick's 20 ms: walking every connection is not free.
    loop.on_tick([&impl, i, ticks = 0]() mutable {
      if (++ticks % 5 != 0) return;
      impl.acceptors[i]->resume_if_due(impl.loops.at(i).now());
      impl.sweep(i);
    });
  }
  return port;
}

void Listener::stop_accepting() {
  for (size_t i = 0; i < impl_->acceptors.size(); ++i) {
    std::promise<void> done;
    impl_->loops.at(i).post([&] {
      impl_->acceptors[i]->close();
      done.set_value();
    });
    done.get_future().wait();
  }
}

void Listener::begin_close_connections() { impl_->ctx.closing.store(true); }

}  // namespace shortstack::http
