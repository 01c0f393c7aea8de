// A fake Git host / webhook receiver for tests: an HTTP server on 127.0.0.1 and a free port,
// on a thread of its own, that records every POST and answers with the statuses it is told
// (a queue, then a default). Stopped by the destructor.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>

#include "test_wait.h"
#include "test_process.h"

namespace c4::test {

struct ReceivedRequest {
  std::string path;            // as sent: not percent-decoded
  std::string authorization;   // the Authorization header
  std::string private_token;   // GitLab's PRIVATE-TOKEN header
  std::string body;
};

class FakeHttpReceiver {
 public:
  explicit FakeHttpReceiver(int default_status = 201) : default_status_(default_status) {
    server_.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      // The target as sent (path not percent-decoded, query included): what a Git host sees.
      received_.push_back({req.target, req.get_header_value("Authorization"), req.get_header_value("PRIVATE-TOKEN"),
                           req.body});
      int status = default_status_;
      if (!answers_.empty()) {
        status = answers_.front();
        answers_.pop_front();
      }
      res.status = status;
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    REQUIRE(eventually([this] { return server_.is_running(); }, std::chrono::seconds(5)));
  }
  ~FakeHttpReceiver() {
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // The next answers, in order; then the default.
  void answer(std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    answers_.insert(answers_.end(), statuses.begin(), statuses.end());
  }
  std::vector<ReceivedRequest> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  int default_status_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::deque<int> answers_;
  std::vector<ReceivedRequest> received_;
};

}  // namespace c4::test
