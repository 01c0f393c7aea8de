// Issue 12, part 4 over the real binary: `c4confd serve` with a private PostgreSQL that is shut
// down (fast) under a load of CDR posts, then started again. Every CDR answered success must be
// in the table exactly once once the spool is replayed; no call id may be stored twice.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <iterator>
#include <mutex>
#include <regex>
#include <thread>

#include "cdr_test_database.h"
#include "private_postgres.h"
#include "server_test_support.h"
#include "test_process.h"
#include "test_support.h"

using namespace c4;
using namespace c4::test;
using c4::cdr::testing::CdrTestDatabase;

namespace {

constexpr const char* kTenant = "0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10";
constexpr int kTotal = 2000, kConnections = 8;

// The value of the un-labelled sample `name` in a Prometheus text page, or -1.
double metric(const std::string& page, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(page, m, std::regex("\n" + std::regex_replace(name, std::regex(R"([{}"])"), R"(\$&)") +
                                             R"( ([0-9.e+]+)\n)")))
    return -1;
  return std::stod(m[1]);
}

// Hands out the numbers of the CDRs to post, up to a budget the test raises phase by phase.
class Budget {
 public:
  // The next number, waiting while the budget is spent; -1 when all kTotal are handed out.
  int take() {
    std::unique_lock lock(mutex_);
    raised_.wait(lock, [&] { return next_ < budget_ || next_ >= kTotal; });
    return next_ < kTotal ? next_++ : -1;
  }
  void raise(int budget) {
    {
      std::lock_guard lock(mutex_);
      budget_ = budget;
    }
    raised_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable raised_;
  int next_ = 0, budget_ = 0;
};

}  // namespace

TEST_CASE("c4confd serve loses no CDR and stores none twice when PostgreSQL is shut down under load") {
  PrivatePostgres postgres;
  CdrTestDatabase db("c4test_cdr_kill", postgres.url());
  db.add_tenant("acme", kTenant);
  std::string url = db.url();
  db.abandon();  // its connections die with the server
  TempDir dir;
  int port = free_loopback_port();
  const char* redis = std::getenv("C4CONFD_REDIS_URL");
  ChildProcess serve({C4_BINARY, "serve", "--listen", "127.0.0.1:" + std::to_string(port), "--database-url", url,
                      "--redis-url", redis ? redis : "", "--cdr-spool-dir", (dir.path() / "spool").string(),
                      "--poll-interval", "0.2", "--log-level", "warn"},
                     dir.path() / "serve.log");
  REQUIRE(eventually([&] { return http_get(port, "/status").status == 204; }, std::chrono::seconds(20)));

  Budget budget;
  std::vector<int> statuses(kTotal, 0);
  std::atomic<int> answered{0};
  std::vector<std::thread> posters;
  for (int c = 0; c < kConnections; ++c)
    posters.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(10, 0);
      for (int i; (i = budget.take()) >= 0; ++answered) {
        nlohmann::json body = {{"event", "cdr"},      {"tenant_uuid", kTenant}, {"call_id", "kill-" + std::to_string(i)},
                               {"call_start", 1700000000 + i}, {"duration", i % 60}};
        auto r = client.Post("/1.0/kamailio/cdr", body.dump(), "application/json");
        if (r && r->status == 200 && nlohmann::json::parse(r->body)["success"] == true) statuses[i] = 200;
        else statuses[i] = r ? r->status : -1;
      }
    });
  auto deadline = std::chrono::seconds(60);
  // Phase 1: the database up. It is shut down while the last of these are in flight.
  budget.raise(800);
  REQUIRE(eventually([&] { return answered >= 600; }, deadline));
  postgres.stop("fast");
  // Phase 2: the database down.
  budget.raise(1400);
  REQUIRE(eventually([&] { return answered >= 1400; }, deadline));
  // Phase 3: the rest, posted while the database starts and the spool is replayed.
  budget.raise(kTotal);
  postgres.start();
  for (auto& t : posters) t.join();

  std::string page;
  CHECK(eventually([&] {
    page = http_get(port, "/metrics").body;
    return metric(page, "c4confd_cdr_spool_records") == 0;
  }, deadline));
  double spooled = metric(page, "c4confd_cdr_rows_total{result=\"spooled\"}");
  MESSAGE("spooled " << spooled << " of " << kTotal << " CDRs; replayed "
                     << metric(page, "c4confd_cdr_replayed_total{result=\"inserted\"}"));
  CHECK(spooled >= 400);  // at least the CDRs of phase 2
  CHECK(metric(page, "c4confd_cdr_spool_bytes") == 0);

  auto conn = std::move(connect_database(url).value());
  std::map<std::string, long> rows;
  {
    pqxx::read_transaction txn(*conn);
    for (const auto& row : txn.exec("SELECT call_id, count(*) FROM cdrs GROUP BY call_id"))
      rows[row[0].as<std::string>()] = row[1].as<long>();
  }
  int successes = 0, missing = 0, twice = 0;
  for (int i = 0; i < kTotal; ++i) {
    auto it = rows.find("kill-" + std::to_string(i));
    long n = it == rows.end() ? 0 : it->second;
    if (statuses[i] == 200) ++successes, missing += n == 0;
    twice += n > 1;
  }
  CHECK(successes == kTotal);
  CHECK(missing == 0);
  CHECK(twice == 0);
  CHECK(rows.size() == static_cast<size_t>(kTotal));

  REQUIRE(serve.send(SIGTERM));
  auto status = serve.wait_for(std::chrono::seconds(20));
  REQUIRE(status);
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {  // say why: a sanitizer report, an error
    std::ifstream log(dir.path() / "serve.log");
    std::string text(std::istreambuf_iterator<char>(log), {});
    MESSAGE("the log of c4confd serve:\n" << text.substr(text.size() > 20000 ? text.size() - 20000 : 0));
  }
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
}
