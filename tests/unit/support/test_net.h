// Loopback ports for test servers that cannot bind port 0 themselves (PostgreSQL, Redis, a
// spawned c4confd), and a URL that nothing answers.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

namespace c4::test {

// A TCP socket bound to 127.0.0.1 and a port the system picked, which goes to `port`.
inline int bind_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  port = ntohs(a.sin_port);
  return fd;
}

// A TCP port of 127.0.0.1 that was free a moment ago: bound to port 0, then closed, so nothing
// listens on it (until someone else takes it).
inline int free_loopback_port() {
  int port = 0;
  ::close(bind_loopback(port));
  return port;
}

}  // namespace c4::test
