#include "http/acceptor.h"

#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/listen_socket.h"

namespace shortstack::http {
namespace {

// Level-triggered: connections left in the queue after a turn's quota are offered again next turn.
constexpr uint32_t kListenEvents = EPOLLIN;
// Accepts per turn, so a burst of new connections cannot starve the established ones.
constexpr int kAcceptsPerTurn = 64;
// Out of descriptors: retry after this instead of spinning on a socket that stays readable.
constexpr auto kPauseOnError = std::chrono::milliseconds(50);

// Rendered once by the normal renderer, so its framing can never drift from the body.
const std::string& busy_response() {
  static const std::string out = [] {
    std::string s;
    render(json_error(503, "overloaded", "too many open connections"), {"", false, false}, s);
    return s;
  }();
  return out;
}

void refuse(int fd) {
  [[maybe_unused]] const auto n = ::send(fd, busy_response().data(), busy_response().size(), MSG_NOSIGNAL);
  ::close(fd);
}

}  // namespace

Acceptor::Acceptor(int fd, EventLoop& loop, ServeContext& ctx, size_t max_connections, Connection::List& connections)
    : fd_(fd), loop_(loop), ctx_(ctx), max_connections_(max_connections), connections_(connections) {
  loop_.add(fd_, kListenEvents, this);
}

Acceptor::~Acceptor() {
  if (fd_ >= 0) ::close(fd_);
}

void Acceptor::on_io(uint32_t) {
  for (int i = 0; i < kAcceptsPerTurn && fd_ >= 0; ++i) {
    sockaddr_storage peer{};
    socklen_t size = sizeof peer;
    const int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) pause();  // EMFILE and friends
      return;
    }
    if (ctx_.open.load(std::memory_order_relaxed) >= max_connections_) {
      refuse(fd);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Connection::open(fd, peer_address(peer), loop_, ctx_, connections_);
  }
}

void Acceptor::pause() {
  loop_.modify(fd_, 0, this);
  paused_ = true;
  paused_until_ = loop_.now() + kPauseOnError;
}

void Acceptor::resume_if_due(EventLoop::Clock::time_point now) {
  if (!paused_ || fd_ < 0 || now < paused_until_) return;
  loop_.modify(fd_, kListenEvents, this);
  paused_ = false;
}

void Acceptor::close() {
  if (fd_ < 0) return;
  loop_.remove(fd_);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace shortstack::http
