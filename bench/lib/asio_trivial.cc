// A third floor for bench/http_routing.sh, for information: an event-driven HTTP/1.1 server on
// standalone Asio (Debian's libasio-dev), answering a fixed body. Set beside nginx and the
// trivial cpp-httplib server, it shows what the event-driven design the issue suggests for the
// hot path would reach on this machine, before any routing work.
//
//   asio_trivial PORT BODY_BYTES THREADS
//
// Listens on 127.0.0.1:PORT; every request (any method, keep-alive, Content-Length bodies
// read and dropped) gets 200 with a JSON body of exactly BODY_BYTES bytes, headers and body in
// one write. One event loop per thread (THREADS io_contexts, each with its own acceptor on the
// same port through SO_REUSEPORT, so the kernel spreads connections and no lock is shared), so
// a connection never holds a thread while it waits. Runs until SIGTERM/SIGINT. Built by
// bench/lib/http_floors.sh with `c++ -O2 -std=c++20 -pthread`; not part of the CMake build.
// Not a general HTTP server: no chunked bodies, no pipelining beyond what one read holds,
// request headers up to 64 KiB.
#include <asio.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using asio::ip::tcp;

namespace {

// The value of Content-Length in a header block, 0 when absent.
size_t content_length(std::string_view headers) {
  static constexpr std::string_view kName = "content-length:";
  for (size_t pos = 0; pos < headers.size();) {
    size_t end = headers.find("\r\n", pos);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view line = headers.substr(pos, end - pos);
    if (line.size() > kName.size() &&
        std::equal(kName.begin(), kName.end(), line.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
      return std::strtoul(std::string(line.substr(kName.size())).c_str(), nullptr, 10);
    pos = end + 2;
  }
  return 0;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const std::string& response)
      : socket_(std::move(socket)), response_(response) {}

  void start() { read_headers(); }

 private:
  void read_headers() {
    auto self = shared_from_this();
    asio::async_read_until(socket_, buffer_, "\r\n\r\n", [self](std::error_code ec, size_t header_bytes) {
      if (ec) return;  // the client closed, or a header block over the limit
      std::string_view data(static_cast<const char*>(self->buffer_.data().data()), self->buffer_.size());
      size_t body = content_length(data.substr(0, header_bytes));
      self->buffer_.consume(header_bytes);
      self->skip_body(body);
    });
  }

  void skip_body(size_t remaining) {
    size_t buffered = std::min(remaining, buffer_.size());
    buffer_.consume(buffered);
    remaining -= buffered;
    if (remaining == 0) return write_response();
    auto self = shared_from_this();
    asio::async_read(socket_, buffer_, asio::transfer_exactly(remaining),
                     [self, remaining](std::error_code ec, size_t) {
                       if (ec) return;
                       self->buffer_.consume(remaining);
                       self->write_response();
                     });
  }

  void write_response() {
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(response_), [self](std::error_code ec, size_t) {
      if (!ec) self->read_headers();
    });
  }

  tcp::socket socket_;
  const std::string& response_;
  asio::streambuf buffer_{64 * 1024};
};

void accept(tcp::acceptor& acceptor, const std::string& response) {
  acceptor.async_accept([&acceptor, &response](std::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<Connection>(std::move(socket), response)->start();
    }
    if (acceptor.is_open()) accept(acceptor, response);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: asio_trivial PORT BODY_BYTES THREADS\n";
    return 2;
  }
  int port = std::atoi(argv[1]);
  long bytes = std::atol(argv[2]);
  int threads = std::atoi(argv[3]);
  if (port <= 0 || port > 65535 || bytes < 12 || threads <= 0) {
    std::cerr << "asio_trivial: PORT in 1..65535, BODY_BYTES >= 12 and THREADS > 0 expected\n";
    return 2;
  }
  const std::string body = "{\"pad\":\"" + std::string(bytes - 10, 'x') + "\"}";
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\nKeep-Alive: timeout=65\r\n\r\n" + body;

  using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  try {
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    for (int i = 0; i < threads; ++i) {
      loops.push_back(std::make_unique<asio::io_context>(1));
      auto acceptor = std::make_unique<tcp::acceptor>(*loops.back());
      acceptor->open(endpoint.protocol());
      acceptor->set_option(tcp::acceptor::reuse_address(true));
      acceptor->set_option(reuse_port(true));
      acceptor->bind(endpoint);
      acceptor->listen();
      accept(*acceptor, response);
      acceptors.push_back(std::move(acceptor));
    }
  } catch (const std::system_error& e) {
    std::cerr << "asio_trivial: cannot listen on 127.0.0.1:" << port << ": " << e.what() << "\n";
    return 1;
  }
  asio::signal_set signals(*loops[0], SIGTERM, SIGINT);
  signals.async_wait([&loops](std::error_code, int) {
    for (auto& loop : loops) loop->stop();
  });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&loops, i] { loops[i]->run(); });
  loops[0]->run();
  for (auto& t : pool) t.join();
  return 0;
}
