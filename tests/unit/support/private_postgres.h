// A PostgreSQL 15 server of the test's own, on 127.0.0.1 and a free port, for tests that stop
// the database under the code they test (the shared one of ./c4 belongs to another OS user).
// Runs as the cluster owner ./c4 uses (C4_PG_OS_USER, default c4confd-pg) when we are root,
// since the server tools refuse to run as root.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "test_net.h"

namespace c4::test {

class PrivatePostgres {
 public:
  PrivatePostgres() {
    const char* user = std::getenv("C4_PG_OS_USER");
    os_user_ = user ? user : "c4confd-pg";
    base_ = "/var/tmp/c4test-pg-" + std::to_string(::getpid());
    std::filesystem::remove_all(base_);
    std::filesystem::create_directories(base_);
    if (::geteuid() == 0) REQUIRE(shell("chown " + os_user_ + ": " + base_ + " && chmod 700 " + base_) == 0);
    std::string why = "initdb failed (is postgresql-15 installed, and user " + os_user_ +
                      " present? ./c4 services start makes it)";
    int initdb = as_owner(bin("initdb") + " -D " + base_ + "/data -U c4confd --auth=trust --encoding=UTF8 --locale=C");
    REQUIRE_MESSAGE(initdb == 0, why);
    port_ = free_loopback_port();
    start();
  }
  ~PrivatePostgres() {
    stop();
    std::filesystem::remove_all(base_);
  }
  void start() {
    std::string opts = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -c unix_socket_directories=" + base_ +
                       " -c fsync=off";
    REQUIRE(as_owner(bin("pg_ctl") + " -D " + base_ + "/data -l " + base_ + "/log -w -t 60 -o '" + opts + "' start") == 0);
    running_ = true;
  }
  // Stops at once, as a crash or a network cut would look to clients ("immediate"), or with
  // mode "fast" as an operator's restart does (sessions are terminated, their work rolled back).
  void stop(const std::string& mode = "immediate") {
    if (!running_) return;
    as_owner(bin("pg_ctl") + " -D " + base_ + "/data -m " + mode + " -w -t 60 stop");
    running_ = false;
  }
  std::string url() const { return "postgresql://c4confd@127.0.0.1:" + std::to_string(port_) + "/postgres"; }

 private:
  static std::string bin(const std::string& tool) {
    const char* dir = std::getenv("C4_PG_BIN");
    return std::string(dir ? dir : "/usr/lib/postgresql/15/bin") + "/" + tool;
  }
  static int shell(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }
  int as_owner(const std::string& command) const {
    if (::geteuid() == 0) return shell("cd / && runuser -u " + os_user_ + " -- sh -c \"" + command + "\"");
    return shell(command);
  }

  std::string os_user_, base_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace c4::test
