// The on-call controls on `c4confd serve` (the real binary): it runs no reconcile loop, so a
// sync answers 409 conflict naming the process to send it to, and `ctl sync` says so; suspend
// and resume still work there, since their state is in PostgreSQL, where every reconciler
// instance reads it.
#include <cstdio>

#include <sys/wait.h>

#include "served_binary.h"
#include "store/control_state.h"
#include "test_git_repo.h"

namespace c4::test {
namespace {

struct CtlRun {
  int exit = -1;
  std::string out;  // stdout and stderr
};

// `c4confd ctl ARGS --api-url` against `port`, with the admin token ServedBinary exported.
CtlRun ctl(int port, const std::string& args) {
  std::string command = std::string(C4_BINARY) + " ctl " + args + " --api-url http://127.0.0.1:" +
                        std::to_string(port) + " 2>&1";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, std::move(out)};
}

ControlState control_of(ScratchDatabase& db) {
  pqxx::read_transaction txn(db.conn());
  return read_control(txn).value();
}

}  // namespace

TEST_CASE("serve answers a sync with 409 no_reconciler, and ctl sync reports it and fails") {
  ServedExamples served("c4test_serve_controls_sync");
  auto reply = http_send(served.port(), "POST", "/1.0/reconciler/sync", "", kAdminToken);
  CHECK(reply.status == 409);
  CHECK(error_code(reply) == "conflict");
  CHECK(reply.json()["error"]["details"]["reason"] == "no_reconciler");
  CHECK(reply.json()["error"]["message"].get<std::string>().find("c4confd all") != std::string::npos);
  // Only the admin token may ask at all: the refusal comes before the 409.
  CHECK(http_send(served.port(), "POST", "/1.0/reconciler/sync", "", kNocToken).status == 403);
  CHECK(http_send(served.port(), "POST", "/1.0/reconciler/sync", "").status == 401);

  CtlRun sync = ctl(served.port(), "sync");
  CHECK_MESSAGE(sync.exit == 1, sync.out);
  CHECK_MESSAGE(sync.out.find("HTTP 409 conflict") != std::string::npos, sync.out);
  CHECK_MESSAGE(sync.out.find("no reconcile loop") != std::string::npos, sync.out);
}

TEST_CASE("suspend and resume through serve are kept in postgresql for every reconciler") {
  ServedExamples served("c4test_serve_controls_suspend");
  CtlRun suspend = ctl(served.port(), "suspend --reason 'carrier maintenance'");
  REQUIRE_MESSAGE(suspend.exit == 0, suspend.out);
  ControlState state = control_of(served.db);
  CHECK(state.suspended);
  CHECK(state.reason == "carrier maintenance");
  auto status = http_get(served.port(), "/1.0/status", kAdminToken);
  REQUIRE(status.status == 200);
  CHECK(status.json()["control"]["suspended"] == true);

  CtlRun resume = ctl(served.port(), "resume");
  REQUIRE_MESSAGE(resume.exit == 0, resume.out);
  CHECK_FALSE(control_of(served.db).suspended);
}

}  // namespace c4::test
