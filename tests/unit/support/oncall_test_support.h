// `c4confd all` (the real binary, C4_BINARY) over a scratch Git repository, PostgreSQL and the
// test Redis, reporting to a fake Git host and webhook receiver, and `c4confd ctl` run against
// it: the on-call tests (oncall_process_test.cc).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "test_wait.h"
#include "fake_http_receiver.h"
#include "store/control_state.h"
#include "store/redis_client.h"
#include "store/revision_log.h"
#include "server_test_support.h"
#include "test_database.h"
#include "test_git_repo.h"
#include "test_process.h"

namespace c4::test {

inline const std::string kGitHostToken = "ghp-oncall-test-token-4e1f";

struct CtlRun {
  int exit = -1;
  std::string out;  // stdout and stderr
  nlohmann::json json() const { return nlohmann::json::parse(out.substr(0, out.rfind('}') + 1)); }
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class OnCallSetup {
 public:
  // `redis_db`: the database of the test Redis this instance projects into.
  OnCallSetup(const std::string& db_name, int redis_db) : db(db_name), port_(free_loopback_port()) {
    const char* redis = std::getenv("C4CONFD_REDIS_URL");
    REQUIRE_MESSAGE((redis && *redis), "C4CONFD_REDIS_URL is not set: run the tests through ./c4 test");
    auto address = parse_redis_url(redis);
    REQUIRE(address.is_ok());
    redis_url_ = "redis://" + address->host + ":" + std::to_string(address->port) + "/" + std::to_string(redis_db);
    std::ofstream(repo.scratch("git-token")) << kGitHostToken << "\n";
    ::setenv("C4CONFD_ADMIN_TOKEN", kAdminToken.c_str(), 1);  // the child and ctl inherit it
  }

  // Starts `c4confd all`; the previous instance (if any) must be stopped first.
  std::unique_ptr<ChildProcess> start() {
    std::vector<std::string> argv = {
        C4_BINARY, "all", "--repo", repo.url(), "--cache-dir", repo.scratch("cache").string(), "--database-url",
        db.url(), "--redis-url", redis_url_, "--listen", "127.0.0.1:" + std::to_string(port_), "--interval", "300ms",
        "--threads", "1", "--git-status-provider", "github", "--git-status-api-url", host.url("/api"),
        "--git-status-repo", "acme/manifests", "--git-status-token-file", repo.scratch("git-token").string(),
        "--public-url", "https://c4.example.org", "--notify-url", host.url("/notify")};
    return std::make_unique<ChildProcess>(argv, log_path());
  }
  std::filesystem::path log_path() const { return repo.scratch("all.log"); }
  std::string log() const { return shell("cat " + shell_quote(log_path().string())); }

  ReconcilerStatus status() {
    pqxx::read_transaction txn(db.conn());
    return read_status(txn).value();
  }
  BranchState branch() {
    pqxx::read_transaction txn(db.conn());
    return read_branch(txn).value();
  }
  ControlState control() {
    pqxx::read_transaction txn(db.conn());
    return read_control(txn).value();
  }
  bool wait_live(const std::string& commit, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    return eventually([&] { return status().live_commit_id == commit; }, timeout);
  }

  // `c4confd ctl ARGS --api-url …`, with `env` ("NAME=VALUE" or "-u NAME") given to env(1).
  CtlRun ctl(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::string command = "env";
    for (const auto& e : env) command += " " + e;
    command += " " + shell_quote(C4_BINARY) + " ctl";
    for (const auto& a : args) command += " " + shell_quote(a);
    command += " --api-url http://127.0.0.1:" + std::to_string(port_) + " 2>&1";
    CtlRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
    int status = ::pclose(pipe);
    run.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
  }

  std::string metrics() {
    httplib::Client client("127.0.0.1", port_);
    auto res = client.Get("/metrics");
    return res && res->status == 200 ? res->body : "";
  }

  // Adds a Tenant named `name` in a file of its own and commits.
  std::string add_tenant(const std::string& name) {
    std::ofstream(repo.work() / ("tenant-" + name + ".yaml"))
        << "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: " << name << "}\n";
    return repo.commit("add tenant " + name);
  }

  // The bodies the fake host received on paths starting with `prefix`, parsed.
  std::vector<nlohmann::json> received(const std::string& prefix) const {
    std::vector<nlohmann::json> out;
    for (const auto& r : host.received())
      if (r.path.rfind(prefix, 0) == 0) out.push_back(nlohmann::json::parse(r.body));
    return out;
  }

  TestDatabase db;
  ManifestRepo repo;
  FakeHttpReceiver host;

 private:
  int port_;
  std::string redis_url_;
};

}  // namespace c4::test
