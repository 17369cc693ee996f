#pragma once
// The few socket calls a listener needs, on numeric IPv4 or IPv6 addresses.
#include <cstdint>
#include <string>
#include <sys/socket.h>

namespace shortstack::http {

// A non-blocking listening socket on host:port that other loops of this process can join
// (SO_REUSEPORT). Port 0 binds a free port; bound_port() says which. Throws on failure.
int open_listening_socket(const std::string& host, uint16_t port);
uint16_t bound_port(int fd);

// Throws "... is in use" when another process already listens on host:port. SO_REUSEPORT would
// otherwise let our bind succeed and the kernel split connections between the two processes.
void refuse_port_in_use(const std::string& host, uint16_t port);

// The numeric address of an accepted peer, as it appears in logs and rate-limit keys.
std::string peer_address(const sockaddr_storage& addr);

}  // namespace shortstack::http
