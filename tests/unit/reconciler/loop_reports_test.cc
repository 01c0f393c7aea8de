// What the watching loop reports after each attempt (ReconcileLoop::on_attempt, the input of
// commit statuses and notifications) and how it obeys suspension, against the real PostgreSQL
// and a Git repository made in the test.
#include <fstream>
#include <mutex>
#include <thread>

#include <doctest/doctest.h>

#include "test_wait.h"
#include "store/control_state.h"
#include "reconciler/reconcile_loop.h"
#include "store/revision_log.h"
#include "test_database.h"
#include "test_git_repo.h"
#include "test_process.h"

namespace c4 {
namespace {

using namespace std::chrono_literals;
using test::eventually;

struct Reports {
  std::mutex mutex;
  std::vector<AttemptReport> items;
  void add(const AttemptReport& r) {
    std::lock_guard lock(mutex);
    items.push_back(r);
  }
  // "pending <commit>", "applied <commit>", "superseded <commit> by <commit>", "failed <commit>"
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& r : items) {
      const char* what[] = {"pending", "applied", "failed", "superseded"};
      out.push_back(std::string(what[static_cast<int>(r.outcome)]) + " " + r.commit_id +
                    (r.superseded_by.empty() ? "" : " by " + r.superseded_by));
    }
    return out;
  }
  AttemptReport last() {
    std::lock_guard lock(mutex);
    return items.back();
  }
};

std::string add_tenant(test::ManifestRepo& repo, const std::string& name) {
  std::ofstream(repo.work() / ("tenant-" + name + ".yaml")) << "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: "
                                                            << name << "}\n";
  return repo.commit("add " + name);
}

TEST_CASE("the loop reports each new tip, the commits a push skipped as superseded, failures, and holds while suspended") {
  test::TestDatabase db("c4test_loop_reports");
  test::ManifestRepo repo;
  ReconcileLoopConfig config;
  config.database_url = db.url();
  config.interval = 60s;  // passes only when triggered (and the first one)
  config.threads = 1;
  config.git_repository = repo.scratch("cache-reports");
  ReconcileLoop loop(config, repo.source("reports"), SchemaSet::builtin().value());
  Reports reports;
  loop.on_attempt([&](const AttemptReport& r) { reports.add(r); });
  std::thread runner([&] { loop.run(); });
  auto status = [&] {
    pqxx::read_transaction txn(db.conn());
    return read_status(txn).value();
  };
  auto settle = [&](size_t count) { return eventually([&] { return reports.lines().size() >= count; }, 30s); };

  std::string c1 = repo.head();
  REQUIRE(settle(2));
  CHECK(reports.lines() == std::vector<std::string>{"pending " + c1, "applied " + c1});
  CHECK(reports.last().revision_id == status().live_revision_id);

  std::string c2 = add_tenant(repo, "two");
  std::string c3 = add_tenant(repo, "three");  // pushed before the next fetch: c2 never has a pass
  loop.trigger();
  REQUIRE(settle(5));
  auto lines = reports.lines();
  CHECK(std::vector<std::string>(lines.begin() + 2, lines.end()) ==
        std::vector<std::string>{"superseded " + c2 + " by " + c3, "pending " + c3, "applied " + c3});
  CHECK(status().live_commit_id == c3);

  std::ofstream(repo.work() / "bad.yaml") << "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: bad}\nspec: {nope: 1}\n";
  std::string c4 = repo.commit("invalid");
  loop.trigger();
  REQUIRE(settle(7));
  AttemptReport failed = reports.last();
  CHECK(failed.outcome == AttemptOutcome::failed);
  CHECK(failed.commit_id == c4);
  CHECK(failed.error_count == 1);
  CHECK(failed.failed_step == "validate");
  CHECK(failed.first_error.find("bad.yaml:4") != std::string::npos);
  CHECK(failed.revision_id == status().last_attempt_id);

  // Suspended: the next commit is fetched and its lag recorded, but nothing is applied or reported.
  {
    pqxx::work txn(db.conn());
    REQUIRE(suspend_reconciler(txn, "test").is_ok());
    txn.commit();
  }
  std::filesystem::remove(repo.work() / "bad.yaml");
  std::string c5 = repo.commit("fixed");
  loop.trigger();
  REQUIRE(eventually([&] { return loop.stats().suspended_passes >= 1; }, 30s));
  CHECK(loop.stats().suspended);
  CHECK(status().live_commit_id == c3);
  CHECK(reports.lines().size() == 7);
  {
    pqxx::read_transaction txn(db.conn());
    auto branch = read_branch(txn).value();
    CHECK(branch.tip == c5);
    CHECK(branch.behind == 2);  // c4 and c5 after the live c3
  }
  {
    pqxx::work txn(db.conn());
    REQUIRE(resume_reconciler(txn).is_ok());
    txn.commit();
  }
  loop.trigger();
  REQUIRE(settle(9));
  lines = reports.lines();
  CHECK(std::vector<std::string>(lines.begin() + 7, lines.end()) ==
        std::vector<std::string>{"pending " + c5, "applied " + c5});
  CHECK(status().live_commit_id == c5);
  CHECK_FALSE(loop.stats().suspended);
  loop.stop();
  runner.join();
}

TEST_CASE("commits pushed while the reconciler was down are reported superseded by the tip it takes up after the restart") {
  test::TestDatabase db("c4test_loop_reports_restart");
  test::ManifestRepo repo;
  ReconcileLoopConfig config;
  config.database_url = db.url();
  config.interval = 60s;
  config.threads = 1;
  config.git_repository = repo.scratch("cache-restart");
  std::string c1 = repo.head();
  {
    ReconcileLoop first(config, repo.source("restart"), SchemaSet::builtin().value());
    Reports reports;
    first.on_attempt([&](const AttemptReport& r) { reports.add(r); });
    std::thread runner([&] { first.run(); });
    REQUIRE(eventually([&] { return reports.lines().size() >= 2; }, 30s));
    CHECK(reports.lines() == std::vector<std::string>{"pending " + c1, "applied " + c1});
    first.stop();
    runner.join();
  }
  // Down: two pushes, then a restart (a new process: nothing of the first loop is left but the database).
  std::string c2 = add_tenant(repo, "two");
  std::string c3 = add_tenant(repo, "three");
  ReconcileLoop second(config, repo.source("restart"), SchemaSet::builtin().value());
  Reports reports;
  second.on_attempt([&](const AttemptReport& r) { reports.add(r); });
  std::thread runner([&] { second.run(); });
  REQUIRE(eventually([&] { return reports.lines().size() >= 3; }, 30s));
  CHECK(reports.lines() == std::vector<std::string>{"superseded " + c2 + " by " + c3, "pending " + c3, "applied " + c3});
  second.stop();
  runner.join();
}

}  // namespace
}  // namespace c4
