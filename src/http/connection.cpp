#include "http/connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

namespace shortstack::http {
namespace {

// Registered once: edge-triggered reads and writes need no epoll_ctl for the connection's life.
constexpr uint32_t kConnectionEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
constexpr size_t kInitialBuffer = 8192;
// Keep an output buffer's capacity for the next response, but not a huge one left by a big body.
constexpr size_t kKeptOutputCapacity = 65536;

// Grows the read buffer, or moves unparsed bytes to its front, so at least some room is free.
void make_room(std::vector<char>& buf, size_t& begin, size_t& end, size_t limit) {
  if (begin > 0) {
    std::memmove(buf.data(), buf.data() + begin, end - begin);
    end -= begin;
    begin = 0;
  }
  if (end == buf.size() && buf.size() < limit) buf.resize(std::min(limit, buf.size() * 2));
}

const char* error_code_for(int status) {
  switch (status) {
    case 413: return "payload_too_large";
    case 431: return "header_too_large";
    default: return "bad_request";
  }
}

}  // namespace

void Connection::open(int fd, std::string remote_ip, EventLoop& loop, ServeContext& ctx, List& list) {
  auto* c = new Connection(fd, std::move(remote_ip), loop, ctx, list);
  try {
    loop.add(fd, kConnectionEvents, c);
  } catch (const std::system_error&) {
    c->close();  // the kernel is out of epoll watches: this client is refused, the loop goes on
  }
}

Connection::Connection(int fd, std::string remote_ip, EventLoop& loop, ServeContext& ctx, List& list)
    : fd_(fd), remote_ip_(std::move(remote_ip)), loop_(loop), ctx_(ctx), list_(list), buf_(kInitialBuffer) {
  ctx_.open.fetch_add(1, std::memory_order_relaxed);
  self_ = list_.insert(list_.end(), this);
  deadline_ = loop_.now() + ctx_.idle_timeout;
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

void Connection::on_io(uint32_t events) {
  if (state_ == State::Closed) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) readable_ = true;  // a read reports errors
  if (events & (EPOLLRDHUP | EPOLLHUP)) peer_closed_ = true;
  try {
    if (state_ == State::Writing && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && !finish_round()) return;
    advance();
  } catch (const std::exception&) {
    // A handler that throws on the loop loses its connection, not the process; the pool's
    // handler turns its exceptions into 500s before they get here.
    if (state_ != State::Busy) close();
  }
}

// Reads and answers until the connection has to wait: for bytes, for the socket to take more
// output, or for the blocking pool.
void Connection::advance() {
  for (int reads = 0; state_ == State::Reading; ++reads) {
    if (!readable_) {
      if (peer_closed_) close();  // everything it sent has been answered
      return;
    }
    if (reads == ctx_.reads_per_turn) {
      // Edge-triggered: no new event will come for bytes already waiting, so come back for them.
      loop_.post([this] {
        if (state_ == State::Reading) advance();
      });
      return;
    }
    if (!fill()) return;
    answer_buffered();
    if (state_ == State::Busy || !finish_round()) return;
  }
}

// One read into the buffer. False when the connection closed or nothing was waiting.
bool Connection::fill() {
  if (end_ == buf_.size()) make_room(buf_, begin_, end_, ctx_.limits.max_header_bytes + ctx_.limits.max_body_bytes + 4096);
  const size_t room = buf_.size() - end_;
  if (room == 0) {  // the parser's limits refuse a request before it can fill the buffer
    close();
    return false;
  }
  for (;;) {
    const ssize_t n = ::recv(fd_, buf_.data() + end_, room, 0);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      // A short read emptied the socket; the next arrival raises a new edge.
      if (static_cast<size_t>(n) < room) readable_ = false;
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      readable_ = false;
      return false;
    }
    close();  // the peer closed, or the socket failed
    return false;
  }
}

// Answers every complete request in the buffer, in order, into out_. Stops at the first one that
// needs the blocking pool; its answer resumes the rest.
void Connection::answer_buffered() {
  while (begin_ < end_ && !close_after_) {
    const ParseResult pr = parse_request({buf_.data() + begin_, end_ - begin_}, ctx_.limits, request_);
    if (pr.status == ParseStatus::Incomplete) return;
    if (pr.status == ParseStatus::Error) {
      render(json_error(pr.error_status, error_code_for(pr.error_status), pr.error), {loop_.date_line(), false, false},
             out_);
      close_after_ = true;
      return;
    }
    const auto started = loop_.now();
    const bool keep_alive = request_.keep_alive && !ctx_.closing.load(std::memory_order_relaxed);
    Exchange ex{request_, remote_ip_};
    ctx_.in_flight.fetch_add(1, std::memory_order_relaxed);
    if (!ctx_.handler.try_inline(ex, {loop_.date_line(), keep_alive, request_.head()}, out_)) {
      send_to_pool(ex, keep_alive, pr.consumed, started);
      return;
    }
    ctx_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    ctx_.handler.finished(ex, Clock::now() - started);
    begin_ += pr.consumed;
    if (!keep_alive) close_after_ = true;
  }
}

void Connection::send_to_pool(const Exchange& ex, bool keep_alive, size_t consumed, Clock::time_point started) {
  state_ = State::Busy;
  pending_ = std::make_unique<Pending>(Pending{ex, keep_alive, request_.head(), consumed, started});
  boost::asio::post(ctx_.blocking, [this, &loop = loop_, &handler = ctx_.handler, &exchange = pending_->exchange] {
    Response r;
    try {
      r = handler.handle(exchange);
    } catch (const std::exception&) {
      r = json_error(500, "internal", "internal error");
    }
    // The connection cannot close while Busy, so `this` is alive when the answer gets back.
    loop.post([this, r = std::move(r)]() mutable { on_pool_answer(std::move(r)); });
  });
}

void Connection::on_pool_answer(Response response) {
  Pending& p = *pending_;
  p.exchange.status = response.status;
  render(response, {loop_.date_line(), p.keep_alive, p.head}, out_);
  if (response.close || !p.keep_alive) close_after_ = true;
  ctx_.in_flight.fetch_sub(1, std::memory_order_relaxed);
  ctx_.handler.finished(p.exchange, Clock::now() - p.started);
  begin_ += p.consumed;
  pending_.reset();
  state_ = State::Reading;
  try {
    answer_buffered();  // requests pipelined behind this one
    if (state_ == State::Busy || !finish_round()) return;
    advance();
  } catch (const std::exception&) {
    if (state_ != State::Busy) close();
  }
}

// Writes what this round answered, then closes or goes back to reading. False when the connection
// closed or must wait for the socket to take the rest.
bool Connection::finish_round() {
  if (sent_ < out_.size()) {
    state_ = State::Writing;
    deadline_ = loop_.now() + ctx_.read_timeout;  // a client that does not read is cut off
    if (!flush()) return false;
  }
  if (close_after_) {
    close();
    return false;
  }
  state_ = State::Reading;
  if (begin_ == end_) begin_ = end_ = 0;
  deadline_ = loop_.now() + (begin_ != end_ ? ctx_.read_timeout : ctx_.idle_timeout);
  return true;
}

// All of out_ in as few sends as the socket allows: one, nearly always.
bool Connection::flush() {
  while (sent_ < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
    if (n >= 0) {
      sent_ += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return false;  // EPOLLOUT's edge resumes
    close();
    return false;
  }
  sent_ = 0;
  if (out_.capacity() > kKeptOutputCapacity) out_ = std::string();
  else out_.clear();
  return true;
}

void Connection::sweep(Clock::time_point now, bool draining) {
  if (state_ == State::Busy || state_ == State::Closed) return;
  // Between turns a Reading connection keeps unparsed bytes only when a request is half sent.
  const bool idle = state_ == State::Reading && begin_ == end_;
  if (now >= deadline_ || (draining && idle)) close();
}

void Connection::close() {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  ::shutdown(fd_, SHUT_WR);
  ::close(fd_);
  fd_ = -1;
  list_.erase(self_);
  ctx_.open.fetch_sub(1, std::memory_order_relaxed);
  loop_.retire(std::unique_ptr<IoHandler>(this));
}

void Connection::abandon() {
  list_.erase(self_);
  ctx_.open.fetch_sub(1, std::memory_order_relaxed);
  delete this;
}

}  // namespace shortstack::http
