// Child processes for tests that must kill what they start (c4confd itself, a private
// redis-server), free loopback ports, and waiting for a condition with a deadline.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "test_net.h"
#include "test_wait.h"

namespace c4::test {


// A child process running `argv` (argv[0] is a path), its stdout and stderr appended to
// `log`. Killed with SIGKILL and reaped when the object dies, if still running.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    REQUIRE(!argv.empty());
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~ChildProcess() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int st;
      ::waitpid(pid_, &st, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` unless the child has been reaped already; true when it was sent.
  bool send(int signal) { return !status_ && ::kill(pid_, signal) == 0; }
  // True while the child has not exited (reaps it when it has).
  bool running() {
    if (status_) return false;
    int st;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) status_ = st;
    return !status_;
  }
  // The wait status once the child exits within `timeout`, else nullopt.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    eventually([this] { return !running(); }, timeout);
    return status_;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace c4::test
