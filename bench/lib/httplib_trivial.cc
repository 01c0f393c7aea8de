// A second floor for bench/http_routing.sh: cpp-httplib (the library `c4confd serve` is built
// on) with a handler that does nothing but answer a fixed body. Between nginx and c4confd it
// separates what the HTTP layer costs from what routing costs.
//
//   httplib_trivial PORT BODY_BYTES WORKERS
//
// Listens on 127.0.0.1:PORT; every POST or GET answers 200 with a JSON body of exactly
// BODY_BYTES bytes. Tuned as DESIGN.md's dependency notes say a server must be: TCP_NODELAY on
// (delayed-ACK stalls otherwise), keep-alive for a million requests per connection, and WORKERS
// threads (cpp-httplib holds a thread per keep-alive connection, so WORKERS must be at least
// the number of connections). Runs until SIGTERM/SIGINT. Built by bench/lib/http_floors.sh with
// `c++ -O2 … $(pkg-config --cflags --libs cpp-httplib)`; not part of the CMake build.
#include <httplib.h>

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: httplib_trivial PORT BODY_BYTES WORKERS\n";
    return 2;
  }
  int port = std::atoi(argv[1]);
  long bytes = std::atol(argv[2]);
  size_t workers = std::strtoul(argv[3], nullptr, 10);
  if (port <= 0 || bytes < 12 || workers == 0) {
    std::cerr << "httplib_trivial: PORT > 0, BODY_BYTES >= 12 and WORKERS > 0 expected\n";
    return 2;
  }
  const std::string body = "{\"pad\":\"" + std::string(bytes - 10, 'x') + "\"}";
  // SIGTERM/SIGINT are blocked in every thread and taken by one watcher with sigwait, which
  // may then call stop() (not async-signal-safe, so not from a handler).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  httplib::Server server;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1000000);
  server.set_keep_alive_timeout(65);
  server.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  auto answer = [&body](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json");
  };
  server.Post(".*", answer);
  server.Get(".*", answer);
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });
  watcher.detach();  // ends with the process
  if (!server.listen("127.0.0.1", port)) {
    std::cerr << "httplib_trivial: cannot listen on 127.0.0.1:" << port << "\n";
    return 1;
  }
  return 0;
}
