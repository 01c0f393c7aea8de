// The on-call engineer's controls and the reports to the Git host, over the real binary:
// `c4confd all` with PostgreSQL, Redis, a scratch Git repository and a fake Git host, driven by
// `c4confd ctl`.
#include <csignal>

#include <doctest/doctest.h>

#include "test_wait.h"
#include "oncall_test_support.h"

namespace c4 {
namespace {

using namespace std::chrono_literals;
using test::OnCallSetup;
using test::eventually;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void stop(std::unique_ptr<test::ChildProcess>& process) {
  REQUIRE(process->send(SIGTERM));
  auto exit = process->wait_for(30s);
  REQUIRE_MESSAGE(exit, "c4confd all did not stop after SIGTERM");
  CHECK(WIFEXITED(*exit));
  process.reset();
}

TEST_CASE("ctl suspend stops every apply across a restart until ctl resume, and status and /metrics show it") {
  OnCallSetup setup("c4test_oncall_suspend", 9);
  std::string first = setup.repo.head();
  auto all = setup.start();
  REQUIRE_MESSAGE(setup.wait_live(first), setup.log());

  auto suspended = setup.ctl({"suspend", "--reason", "incident 42"});
  CHECK_MESSAGE(suspended.exit == 0, suspended.out);
  CHECK(has(suspended.out, "suspended       yes, since "));
  CHECK(has(suspended.out, "(incident 42)"));
  std::string second = setup.add_tenant("extra1");
  CHECK(setup.ctl({"sync"}).exit == 0);
  REQUIRE_MESSAGE(eventually([&] { return has(setup.log(), "\"tip\":\"" + second + "\""); }, 30s), setup.log());
  CHECK(has(setup.log(), "\"event\":\"reconcile.skipped_suspended\""));
  CHECK(setup.status().live_commit_id == first);
  CHECK(eventually([&] { return has(setup.metrics(), "c4confd_reconcile_suspended 1\n"); }, 10s));
  auto status = setup.ctl({"status", "--output", "json"});
  REQUIRE_MESSAGE(status.exit == 0, status.out);
  auto json = status.json();
  CHECK(json["control"]["suspended"] == true);
  CHECK(json["control"]["reason"] == "incident 42");
  CHECK(json["branch"]["tip"] == second);
  CHECK(json["branch"]["behind"] == 1);
  auto table = setup.ctl({"status"});
  CHECK(has(table.out, "live is 1 commit(s) behind"));
  stop(all);

  // A restart keeps the suspension: it is in PostgreSQL.
  all = setup.start();
  REQUIRE(eventually([&] { return has(setup.metrics(), "c4confd_reconcile_suspended 1\n"); }, 30s));
  std::this_thread::sleep_for(1s);  // passes run every 300 ms: none may apply
  CHECK(setup.status().live_commit_id == first);

  auto resumed = setup.ctl({"resume"});
  CHECK_MESSAGE(resumed.exit == 0, resumed.out);
  CHECK(has(resumed.out, "suspended       no"));
  REQUIRE_MESSAGE(setup.wait_live(second), setup.log());
  CHECK(eventually([&] { return has(setup.metrics(), "c4confd_reconcile_suspended 0\n"); }, 10s));
  CHECK(eventually([&] { return setup.branch().behind == 0; }, 10s));
  stop(all);
}

TEST_CASE("ctl pin applies a past commit and holds it against new commits until ctl resume") {
  OnCallSetup setup("c4test_oncall_pin", 10);
  std::string first = setup.repo.head();
  auto all = setup.start();
  REQUIRE_MESSAGE(setup.wait_live(first), setup.log());
  int64_t first_revision = *setup.status().live_revision_id;
  std::string second = setup.add_tenant("extra1");
  REQUIRE_MESSAGE(setup.wait_live(second), setup.log());

  // By revision id: the rollback to the first commit.
  auto rollback_started = std::chrono::steady_clock::now();
  auto pinned = setup.ctl({"pin", std::to_string(first_revision), "--reason", "bad carrier change"});
  CHECK_MESSAGE(pinned.exit == 0, pinned.out);
  CHECK(has(pinned.out, "pinned          " + first.substr(0, 12)));
  REQUIRE_MESSAGE(setup.wait_live(first), setup.log());
  MESSAGE("ctl pin to the past commit being live: "
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - rollback_started).count() << " s");
  std::string third = setup.add_tenant("extra2");
  CHECK(setup.ctl({"sync"}).exit == 0);
  REQUIRE(eventually([&] { return setup.branch().tip == third; }, 30s));
  std::this_thread::sleep_for(700ms);
  CHECK(setup.status().live_commit_id == first);
  CHECK(setup.control().pinned_commit_id == first);
  CHECK(setup.branch().behind == 2);
  CHECK(has(setup.metrics(), "c4confd_reconcile_pinned 1\n"));

  // By commit id (a prefix of one in the revision log) while pinned: moves the pin.
  auto moved = setup.ctl({"pin", second.substr(0, 10)});
  CHECK_MESSAGE(moved.exit == 0, moved.out);
  REQUIRE_MESSAGE(setup.wait_live(second), setup.log());

  CHECK(setup.ctl({"resume"}).exit == 0);
  REQUIRE_MESSAGE(setup.wait_live(third), setup.log());
  int64_t third_revision = *setup.status().live_revision_id;

  // The revision records what it changed.
  auto revision = setup.ctl({"revisions", std::to_string(third_revision), "--output", "json"});
  REQUIRE_MESSAGE(revision.exit == 0, revision.out);
  auto json = revision.json();
  CHECK(json["counts"]["Tenant"]["created"] == 1);
  CHECK(json["changes_total"] == 1);
  REQUIRE(json["changes"].size() == 1);
  CHECK(json["changes"][0] == nlohmann::json{{"action", "create"}, {"kind", "Tenant"}, {"tenant", ""}, {"name", "extra2"},
                                             {"fields", nlohmann::json::array()}});
  auto table = setup.ctl({"revisions", std::to_string(third_revision)});
  CHECK(has(table.out, "create  Tenant"));
  auto list = setup.ctl({"revisions"});
  CHECK(has(list.out, "ID"));
  CHECK(has(list.out, third.substr(0, 12)));
  stop(all);
}

TEST_CASE("each attempt posts its commit status to the Git host, and a failure and the recovery notify the webhook") {
  OnCallSetup setup("c4test_oncall_report", 11);
  setup.host.answer({500});  // the host fails once: the first delivery is retried
  std::string first = setup.repo.head();
  auto all = setup.start();
  REQUIRE_MESSAGE(setup.wait_live(first), setup.log());
  int64_t revision = *setup.status().live_revision_id;
  std::string path = "/api/repos/acme/manifests/statuses/";
  nlohmann::json success = {{"state", "success"}, {"description", "applied as revision " + std::to_string(revision)},
                            {"context", "c4confd"},
                            {"target_url", "https://c4.example.org/1.0/revisions/" + std::to_string(revision)}};
  REQUIRE_MESSAGE(eventually([&] {
                    auto got = setup.received(path + first);
                    return !got.empty() && got.back() == success;
                  }, 30s), setup.log());
  for (const auto& r : setup.host.received()) CHECK(r.authorization == "Bearer " + test::kGitHostToken);

  // An invalid commit, with hostile bytes in what its error message quotes.
  std::ofstream(setup.repo.work() / "bad.yaml")
      << "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: bad}\nspec: {\"evil\\\"}\\r\\n{\\u001b[31m\": 1}\n";
  std::string bad = setup.repo.commit("an invalid tenant");
  REQUIRE_MESSAGE(eventually([&] {
                    auto got = setup.received(path + bad);
                    return !got.empty() && got.back()["state"] == "failure";
                  }, 30s), setup.log());
  CHECK(has(setup.received(path + bad).back()["description"], "failed: "));
  REQUIRE(eventually([&] { return !setup.received("/notify").empty(); }, 30s));
  auto failure = setup.received("/notify").front();
  CHECK(failure["event"] == "failure");
  CHECK(failure["commit"] == bad);
  CHECK(failure["errors"].get<int>() >= 1);
  CHECK(has(failure["text"], "c4confd: commit " + bad.substr(0, 7) + " failed: "));
  CHECK(setup.status().live_commit_id == first);

  std::filesystem::remove(setup.repo.work() / "bad.yaml");
  std::string fixed = setup.repo.commit("remove the invalid tenant");
  REQUIRE_MESSAGE(setup.wait_live(fixed), setup.log());
  REQUIRE(eventually([&] { return setup.received("/notify").size() >= 2; }, 30s));
  CHECK(setup.received("/notify")[1]["event"] == "recovery");
  REQUIRE(eventually([&] { return !setup.received(path + fixed).empty() &&
                                  setup.received(path + fixed).back()["state"] == "success"; }, 30s));
  CHECK(has(setup.metrics(), "c4confd_notify_deliveries_total{result=\"delivered\"}"));
  CHECK(has(setup.metrics(), "c4confd_notify_retries_total 1\n"));
  stop(all);
  CHECK_FALSE(has(setup.log(), test::kGitHostToken));  // the token is never logged
}

TEST_CASE("the controls answer only the admin token and say what is wrong with a pin") {
  OnCallSetup setup("c4test_oncall_refuse", 12);
  std::string first = setup.repo.head();
  auto all = setup.start();
  REQUIRE_MESSAGE(setup.wait_live(first), setup.log());

  // The NOC token covers every tenant: it may read the status (once the API loaded the tokens)…
  std::vector<std::string> noc = {"C4CONFD_ADMIN_TOKEN=" + test::kNocToken};
  REQUIRE(eventually([&] { return setup.ctl({"status"}, noc).exit == 0; }, 30s));
  // …but it is no admin token.
  auto reader = setup.ctl({"suspend"}, noc);
  CHECK_MESSAGE(reader.exit == 1, reader.out);
  CHECK_MESSAGE(has(reader.out, "HTTP 403 forbidden: this path changes what the reconciler does: it needs the admin token"),
                reader.out);
  auto nobody = setup.ctl({"sync"}, {"-u", "C4CONFD_ADMIN_TOKEN"});
  CHECK(nobody.exit == 1);
  CHECK(has(nobody.out, "HTTP 401"));
  CHECK_FALSE(setup.control().suspended);

  auto garbage = setup.ctl({"pin", "zz\r\nX: 1"});
  CHECK(garbage.exit == 1);
  CHECK(has(garbage.out, "HTTP 400 invalid_input: revision: "));
  auto unknown = setup.ctl({"pin", "999999"});
  CHECK(unknown.exit == 1);
  CHECK(has(unknown.out, "HTTP 404"));
  CHECK(setup.ctl({"frobnicate"}).exit == 64);
  CHECK(setup.ctl({"status", "--output", "yaml"}).exit == 64);
  CHECK(setup.ctl({"pin"}).exit == 64);

  // A commit that is not on the branch is refused by the loop: nothing is applied.
  std::string elsewhere = "0123456789abcdef0123456789abcdef01234567";
  CHECK(setup.ctl({"pin", elsewhere}).exit == 0);
  REQUIRE_MESSAGE(eventually([&] { return has(setup.log(), "\"event\":\"reconcile.pin_refused\""); }, 30s), setup.log());
  CHECK(setup.status().live_commit_id == first);
  CHECK(setup.ctl({"resume"}).exit == 0);
  std::string second = setup.add_tenant("extra3");
  REQUIRE_MESSAGE(setup.wait_live(second), setup.log());
  stop(all);
}

}  // namespace
}  // namespace c4
