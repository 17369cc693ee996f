#include "http/listen_socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <stdexcept>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace shortstack::http {
namespace {

struct Address {
  sockaddr_storage storage{};
  socklen_t size = 0;
};

Address parse_address(const std::string& host, uint16_t port) {
  Address a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.size = sizeof(sockaddr_in);
    return a;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.size = sizeof(sockaddr_in6);
    return a;
  }
  throw std::invalid_argument("not a numeric IP address: " + host);
}

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// A socket that closes itself unless released: every early throw below would otherwise leak it.
struct OwnedFd {
  int fd;
  ~OwnedFd() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

std::string endpoint_text(const std::string& host, uint16_t port) { return host + ":" + std::to_string(port); }

}  // namespace

int open_listening_socket(const std::string& host, uint16_t port) {
  const Address addr = parse_address(host, port);
  OwnedFd s{::socket(addr.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) throw_errno("socket");
  const int one = 1;
  ::setsockopt(s.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // The kernel spreads accepted connections across the loops' sockets on the same port.
  ::setsockopt(s.fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (::bind(s.fd, reinterpret_cast<const sockaddr*>(&addr.storage), addr.size) != 0)
    throw_errno("bind " + endpoint_text(host, port));
  if (::listen(s.fd, 4096) != 0) throw_errno("listen " + endpoint_text(host, port));
  return s.release();
}

uint16_t bound_port(int fd) {
  sockaddr_storage addr{};
  socklen_t size = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) throw_errno("getsockname");
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
}

// A bind without SO_REUSEPORT fails on a port that anyone listens on (SO_REUSEADDR still allows
// one whose old connections linger in TIME_WAIT), so probing with one turns a second `serve` on
// the same port into the usual "address in use".
void refuse_port_in_use(const std::string& host, uint16_t port) {
  const Address addr = parse_address(host, port);
  OwnedFd probe{::socket(addr.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (probe.fd < 0) throw_errno("socket");
  const int one = 1;
  ::setsockopt(probe.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(probe.fd, reinterpret_cast<const sockaddr*>(&addr.storage), addr.size) == 0) return;
  if (errno == EADDRINUSE)
    throw std::runtime_error(endpoint_text(host, port) + " is in use: another process is listening on it");
  throw_errno("bind " + endpoint_text(host, port));
}

std::string peer_address(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6)
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, text, sizeof text);
  else if (addr.ss_family == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, text, sizeof text);
  return text;
}

}  // namespace shortstack::http
