// A c4confd HTTP server with one trivial route, for measuring the server itself with wrk
// (bench/http_server.sh): the same Server, access and metrics code as `c4confd serve`, with
// either the connection handling of cpp-httplib's defaults (no TCP_NODELAY, 5 requests per
// connection) or our tuning.
//
//   c4confd_http_bench --mode tuned|defaults [--workers N] [--io-threads N] [--port P]
// prints "listening on PORT" and serves until SIGTERM or SIGINT GET /bench/trivial (answered on
// the I/O threads, like the Kamailio routes) and GET /bench/pooled (the same answer through
// the worker pool, like the REST routes).
#include <csignal>
#include <iostream>
#include <string>

#include <pthread.h>

#include "api/server/server.h"
#include "common/log.h"

int main(int argc, char** argv) {
  using namespace c4::api;
  std::string mode = "tuned";
  unsigned workers = 0, io_threads = 0;
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--mode") mode = value;
    else if (flag == "--workers") workers = static_cast<unsigned>(std::stoul(value));
    else if (flag == "--io-threads") io_threads = static_cast<unsigned>(std::stoul(value));
    else if (flag == "--port") port = std::stoi(value);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (mode != "tuned" && mode != "defaults") {
    std::cerr << "--mode is tuned or defaults\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  c4::set_min_log_level(c4::LogLevel::warn);

  ServerOptions options;
  options.port = port;
  options.workers = workers;
  options.io_threads = io_threads;
  if (mode == "defaults") {
    // What cpp-httplib 0.11.4 does when left alone.
    options.tcp_nodelay = false;
    options.keep_alive_max_count = 5;
    options.keep_alive_timeout = std::chrono::seconds(5);
  }
  auto metrics = std::make_shared<Metrics>("bench");
  auto tokens = std::make_shared<SnapshotHolder<AccessSnapshot>>();
  Server server(options, metrics, std::make_shared<AccessControl>(AccessConfig{}, tokens));
  auto trivial = [](const ApiRequest&) { return HttpReply{200, "application/json", "{\"ok\":true}"}; };
  server.mount("GET", "/bench/trivial", Access::open, trivial, kInlineHotRoute);
  server.mount("GET", "/bench/pooled", Access::open, trivial, kHotRoute);
  if (auto s = server.start(); !s) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  std::cout << "listening on " << server.port() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  return 0;
}
