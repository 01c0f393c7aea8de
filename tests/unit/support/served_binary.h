// The real c4confd binary (C4_BINARY) running `serve` on 127.0.0.1 and a free port, for tests
// that must hold over the product as shipped: its options, its environment, its logs. The
// Redis of ./c4 test (C4CONFD_REDIS_URL) announces revisions when it is set. Killed at the end.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "server_test_support.h"
#include "test_process.h"

namespace c4::test {

class ServedBinary {
 public:
  // `database_url`: the database it serves; `extra`: more flags of `serve`.
  explicit ServedBinary(const std::string& database_url, const std::vector<std::string>& extra = {})
      : port_(free_loopback_port()),
        log_(std::filesystem::temp_directory_path() /
             ("c4test-serve-" + std::to_string(::getpid()) + "-" + std::to_string(port_) + ".log")) {
    std::filesystem::remove(log_);
    // The child inherits the environment: the tokens go there, as an operator would set them.
    ::setenv("C4CONFD_ADMIN_TOKEN", kAdminToken.c_str(), 1);
    ::setenv("C4CONFD_KAMAILIO_TOKEN", kKamailioToken.c_str(), 1);
    std::vector<std::string> argv = {C4_BINARY, "serve", "--listen", "127.0.0.1:" + std::to_string(port_),
                                     "--database-url", database_url, "--poll-interval", "0.2"};
    if (const char* redis = std::getenv("C4CONFD_REDIS_URL")) {
      argv.push_back("--redis-url");
      argv.push_back(redis);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<ChildProcess>(argv, log_);
  }
  ~ServedBinary() {
    process_.reset();
    std::error_code ec;
    std::filesystem::remove(log_, ec);
  }

  int port() const { return port_; }
  ChildProcess& process() { return *process_; }
  // Waits until GET /status answers 204 (every snapshot loaded).
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) {
    return eventually([&] { return http_get(port_, "/status").status == 204; }, timeout);
  }
  // Everything the process wrote to stdout and stderr so far.
  std::string log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  int port_;
  std::filesystem::path log_;
  std::unique_ptr<ChildProcess> process_;
};

// examples/ (plus the lagoon token) applied to a scratch database, served by the real binary.
struct ServedExamples {
  explicit ServedExamples(const std::string& db_name)
      : db(db_name), dir(examples_copy(std::filesystem::temp_directory_path() / (db_name + "-" + std::to_string(::getpid())))) {
    apply_directory(db.conn(), dir);
    serve = std::make_unique<ServedBinary>(db.url());
    REQUIRE_MESSAGE(serve->wait_ready(), serve->log());
  }
  ~ServedExamples() {
    serve.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  int port() const { return serve->port(); }

  ScratchDatabase db;
  std::filesystem::path dir;
  std::unique_ptr<ServedBinary> serve;
};

}  // namespace c4::test
