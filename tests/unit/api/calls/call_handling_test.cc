// The call-handling routes over real HTTP: the Kamailio endpoints, explain, CDR ingest and
// search, answered by `c4confd serve`'s wiring (ApiService + CallHandling) from a database
// with examples/ applied.
#include "api/calls/call_handling.h"

#include <atomic>
#include <functional>
#include <set>
#include <thread>
#include <vector>

#include "private_postgres.h"
#include "server_test_support.h"

namespace c4::test {
namespace {

using EditExamples = std::function<void(const std::filesystem::path& dir)>;

// A running service with call handling, on a scratch database holding examples/ (changed by
// `edit`, when given, before they are applied).
struct CallService {
  explicit CallService(const std::string& db_name, const std::string& base_url = "", unsigned workers = 8,
                       const EditExamples& edit = {})
      : db(db_name, base_url),
        dir(examples_copy(std::filesystem::temp_directory_path() / (db_name + "-" + std::to_string(::getpid())))) {
    if (edit) edit(dir);
    apply_directory(db.conn(), dir);
    auto options = service_options(db.url());
    options.server.workers = workers;
    service = api::ApiService::create(options).value();
    calls = api::CallHandling::mount(*service, api::call_handling_options(db.url())).value();
    REQUIRE(service->start().is_ok());
    port = service->server().port();
    REQUIRE(eventually([&] { return service->watcher().ready(); }));
  }
  ~CallService() {
    service->stop();
    calls->stop();
    std::filesystem::remove_all(dir);
  }
  ScratchDatabase db;
  std::filesystem::path dir;
  std::unique_ptr<api::ApiService> service;
  std::unique_ptr<api::CallHandling> calls;
  int port = 0;
};

// Replaces the `capacity:` line of every IPBX of examples/ with `replacement` ("" drops the
// limits: for tests of concurrency, whose load a PBX's 20 calls per second would refuse).
void set_ipbx_capacity(const std::filesystem::path& dir, const std::string& replacement) {
  for (const char* tenant : {"acme", "lagoon"}) {
    auto file = dir / "tenants" / tenant / "ipbxs.yaml";
    std::ifstream in(file);
    std::string text(std::istreambuf_iterator<char>(in), {}), out;
    in.close();
    size_t replaced = 0;
    for (size_t at = 0; at < text.size();) {
      size_t end = text.find('\n', at);
      end = end == std::string::npos ? text.size() : end + 1;
      std::string line = text.substr(at, end - at);
      if (line.rfind("  capacity:", 0) == 0) {
        ++replaced;
        if (!replacement.empty()) out += "  capacity: " + replacement + "\n";
      } else {
        out += line;
      }
      at = end;
    }
    REQUIRE(replaced > 0);
    std::ofstream(file, std::ios::trunc) << out;
  }
}
void without_ipbx_capacity(const std::filesystem::path& dir) { set_ipbx_capacity(dir, ""); }

// Scenario 1 of examples/README.md: Orange Paris delivers a call to an ACME number.
nlohmann::json inbound_call(const std::string& caller_user, const std::string& callee = "0140000123") {
  return {{"event", "sip-routing"}, {"source_ip", "203.0.113.10"}, {"source_port", 5060}, {"auth", "1"},
          {"call_id", "call-" + caller_user}, {"from_name", "Caller " + caller_user},
          {"from_uri", "sip:" + caller_user + "@203.0.113.10"}, {"to_uri", "sip:" + callee + "@203.0.113.10"}};
}

// The value of the Prometheus sample `name` (with its labels) in `text`; -1 when absent.
double metric_value(const std::string& text, const std::string& name) {
  auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

std::string host_of(const std::string& uri) {
  auto at = uri.find('@');
  auto start = at == std::string::npos ? uri.find(':') + 1 : at + 1;
  auto end = uri.find_first_of(":;>", start);
  return uri.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

TEST_CASE("kamailio routing over HTTP sends an inbound DID call to its IPBX with the auth object") {
  CallService s("c4test_calls_route");
  auto r = http_send(s.port, "POST", "/1.0/kamailio/routing", inbound_call("0611223344").dump());
  REQUIRE(r.status == 200);
  auto j = r.json();
  CHECK(j["auth"]["success"] == true);
  CHECK(j["auth"]["tenant_id"] == j["auth"]["tenant_uuid"]);
  CHECK(j["auth"]["carrier_trunk_id"].is_number());
  REQUIRE(j["rtjson"]["success"] == true);
  REQUIRE(j["rtjson"]["routes"].size() == 1);
  CHECK(j["rtjson"]["routes"][0]["dst_uri"] == "sip:192.0.2.10:5060");
  CHECK(j["rtjson"]["routing"] == "serial");

  // Without "auth" the auth object is null; an unknown number is "no route", still HTTP 200.
  auto no_auth = inbound_call("0611223344");
  no_auth.erase("auth");
  CHECK(http_send(s.port, "POST", "/1.0/kamailio/routing", no_auth.dump()).json()["auth"].is_null());
  auto unknown = http_send(s.port, "POST", "/1.0/kamailio/routing", inbound_call("0611223344", "0999999999").dump());
  CHECK(unknown.status == 200);
  CHECK(unknown.json()["rtjson"] == nlohmann::json{{"success", false}});
}

TEST_CASE("kamailio routing over HTTP answers bad bodies with a 400 naming the field") {
  CallService s("c4test_calls_bad");
  auto malformed = http_send(s.port, "POST", "/1.0/kamailio/routing", "{\"from_uri\": ");
  CHECK(malformed.status == 400);
  CHECK_FALSE(error_code(malformed).empty());
  auto missing = inbound_call("0611223344");
  missing.erase("to_uri");
  auto r = http_send(s.port, "POST", "/1.0/kamailio/routing", missing.dump());
  CHECK(r.status == 400);
  CHECK(r.body.find("to_uri") != std::string::npos);
  auto wrong = inbound_call("0611223344");
  wrong["source_port"] = nlohmann::json::array();
  r = http_send(s.port, "POST", "/1.0/kamailio/routing", wrong.dump());
  CHECK(r.status == 400);
  CHECK(r.json()["error"]["details"]["field"] == "source_port");
}

TEST_CASE("kamailio auth and uacreg answer from the snapshot") {
  CallService s("c4test_calls_auth");
  auto a = http_send(s.port, "POST", "/1.0/kamailio/auth", R"({"source_ip": "203.0.113.10", "source_port": 5060})");
  REQUIRE(a.status == 200);
  CHECK(a.json()["success"] == true);
  CHECK(a.json()["carrier_trunk_id"].is_number());
  auto nobody = http_send(s.port, "POST", "/1.0/kamailio/auth", R"({"source_ip": "10.9.9.9"})");
  CHECK(nobody.json()["success"] == false);
  auto u = http_get(s.port, "/1.0/kamailio/dbtext/uacreg");
  REQUIRE(u.status == 200);
  CHECK(u.json()["content"].get<std::string>().rfind("id(int) l_uuid(string)", 0) == 0);
}

TEST_CASE("64 concurrent callers over HTTP to one number each get their own From and P-Asserted-Identity") {
  CallService s("c4test_calls_pai", "", 8, without_ipbx_capacity);
  std::atomic<int> wrong{0}, failed{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      std::string user = "06000000" + std::to_string(10 + t);
      httplib::Client client("127.0.0.1", s.port);
      client.set_read_timeout(10, 0);
      auto result = client.Post("/1.0/kamailio/routing", inbound_call(user).dump(), "application/json");
      Reply r = to_reply(result);
      if (!result) r.body = httplib::to_string(result.error());
      if (r.status != 200) {
        ++failed;
        std::lock_guard lock(failures_mutex);
        failures.push_back(std::to_string(r.status) + " " + r.body);
        return;
      }
      auto answer = r.json();
      if (answer["rtjson"]["success"] != true) {
        ++failed;
        std::lock_guard lock(failures_mutex);
        failures.push_back("no route: " + r.body);
        return;
      }
      auto route = answer["rtjson"]["routes"][0];
      std::string from = route["headers"]["from"]["uri"];
      std::string pai = route["headers"]["extra"];
      std::string display = route["headers"]["from"]["display"];
      // The caller's number, normalized or not, keeps its last 8 digits.
      std::string tail = user.substr(2);
      if (from.find(tail) == std::string::npos || pai.find(tail) == std::string::npos ||
          display != "\"Caller " + user + "\"")
        ++wrong;
    });
  }
  for (auto& th : threads) th.join();
  CHECK_MESSAGE(failed == 0, (failures.empty() ? "" : failures.front()));
  CHECK(wrong == 0);
}

TEST_CASE("cdr ingest over HTTP is readable from the cdr search of the tenant only") {
  CallService s("c4test_calls_cdr");
  auto routed = http_send(s.port, "POST", "/1.0/kamailio/routing", inbound_call("0611223344").dump()).json();
  std::string tenant = routed["auth"]["tenant_uuid"];
  nlohmann::json cdr = {{"event", "cdr"}, {"tenant_id", tenant}, {"call_id", "cdr-http-1"},
                        {"from_uri", "sip:0611223344@203.0.113.10"}, {"to_uri", "sip:0140000123@192.0.2.10"},
                        {"call_start", 1795000000}, {"duration", 42}};
  auto stored = http_send(s.port, "POST", "/1.0/kamailio/cdr", cdr.dump());
  REQUIRE(stored.status == 200);
  CHECK(stored.json()["success"] == true);
  CHECK(stored.json()["cdr"]["duration"] == 42);

  auto found = http_get(s.port, "/1.0/cdrs?call_id=cdr-http-1", kAcmeToken);
  REQUIRE(found.status == 200);
  REQUIRE(found.json()["items"].size() == 1);
  CHECK(found.json()["items"][0]["call_id"] == "cdr-http-1");
  CHECK(http_get(s.port, "/1.0/cdrs?call_id=cdr-http-1", kLagoonToken).json()["items"].empty());
  CHECK(http_get(s.port, "/1.0/cdrs?call_id=cdr-http-1").status == 401);
  auto stats = http_get(s.port, "/1.0/cdrs/stats?call_id=cdr-http-1", kAcmeToken);
  CHECK(stats.status == 200);
  auto csv = http_get(s.port, "/1.0/cdrs.csv?call_id=cdr-http-1", kAcmeToken);
  CHECK(csv.status == 200);
  CHECK(csv.body.find("cdr-http-1") != std::string::npos);
}

TEST_CASE("cdrs waiting for their commit hold no worker: 32 concurrent posts on 2 workers share commits") {
  CallService s("c4test_calls_cdr_async", "", 2);
  std::string tenant = http_send(s.port, "POST", "/1.0/kamailio/routing", inbound_call("0611223344").dump())
                           .json()["auth"]["tenant_uuid"];
  constexpr int kThreads = 32, kEach = 8;
  std::atomic<int> stored{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        nlohmann::json cdr = {{"event", "cdr"}, {"tenant_id", tenant},
                              {"call_id", "async-" + std::to_string(t) + "-" + std::to_string(i)},
                              {"from_uri", "sip:0611223344@203.0.113.10"}, {"to_uri", "sip:0140000123@192.0.2.10"},
                              {"call_start", 1795000000}, {"duration", 1}};
        auto r = http_send(s.port, "POST", "/1.0/kamailio/cdr", cdr.dump());
        (r.status == 200 && r.json()["success"] == true ? stored : other)++;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(other == 0);
  CHECK(stored == kThreads * kEach);
  auto metrics = http_get(s.port, "/metrics").body;
  double rows = metric_value(metrics, "c4confd_cdr_rows_total{result=\"committed\"}");
  double batches = metric_value(metrics, "c4confd_cdr_batches_total{result=\"committed\"}");
  CHECK(rows == kThreads * kEach);
  REQUIRE(batches > 0);
  // A CDR that held its worker until its commit would cap a batch at the 2 workers.
  MESSAGE("rows per commit: " << rows / batches);
  CHECK(rows / batches > 2.0);
}

TEST_CASE("an IPBX at its channel limit gets no route until a CDR ends one of its calls, and capacity shows it live") {
  CallService s("c4test_calls_ipbx_capacity", "", 8,
                [](const std::filesystem::path& dir) { set_ipbx_capacity(dir, "{maxChannels: 3}"); });
  auto route_call = [&](const std::string& caller) {
    return http_send(s.port, "POST", "/1.0/kamailio/routing", inbound_call(caller).dump()).json();
  };
  auto paris_load = [&] {
    auto body = http_get(s.port, "/1.0/capacity", kAcmeToken).json();
    for (const auto& i : body["ipbxs"])
      if (i["name"] == "acme-paris-hq") return i;
    return nlohmann::json();
  };
  std::string tenant;
  for (const char* caller : {"0611000001", "0611000002", "0611000003"}) {
    auto answer = route_call(caller);
    REQUIRE(answer["rtjson"]["success"] == true);
    tenant = answer["auth"]["tenant_uuid"];
  }
  CHECK(paris_load()["open_channels"] == 3);
  CHECK(paris_load()["limits"]["max_channels"] == 3);
  CHECK(route_call("0611000004")["rtjson"] == nlohmann::json{{"success", false}});
  auto explained = http_send(s.port, "POST", "/1.0/routing/explain", inbound_call("0611000004").dump(), kAcmeToken).json();
  CHECK(explained["no_route_reason"] == "IPBX acme-paris-hq is at capacity: 3 open channels, limit 3");
  auto metrics = http_get(s.port, "/metrics").body;
  CHECK(metric_value(metrics, "c4confd_routing_no_route_total{reason=\"ipbx_at_capacity\"}") == 1);
  CHECK(metric_value(metrics, "c4confd_routing_ipbx_capacity_skips_total{tenant=\"acme\",ipbx=\"acme-paris-hq\"}") == 1);

  // The first call's CDR ends it: a channel is free again.
  nlohmann::json cdr = {{"event", "cdr"}, {"tenant_id", tenant}, {"call_id", "call-0611000001"},
                        {"from_uri", "sip:0611000001@203.0.113.10"}, {"to_uri", "sip:0140000123@192.0.2.10"},
                        {"call_start", 1795000000}, {"duration", 30}};
  REQUIRE(http_send(s.port, "POST", "/1.0/kamailio/cdr", cdr.dump()).status == 200);
  CHECK(paris_load()["open_channels"] == 2);
  CHECK(route_call("0611000004")["rtjson"]["success"] == true);
  CHECK(paris_load()["open_channels"] == 3);
}

TEST_CASE("explain over HTTP needs a token that covers the caller's tenant") {
  CallService s("c4test_calls_explain");
  std::string body = inbound_call("0611223344").dump();
  auto acme = http_send(s.port, "POST", "/1.0/routing/explain", body, kAcmeToken);
  REQUIRE(acme.status == 200);
  CHECK(acme.json()["match"]["kind"] == "did");
  CHECK(acme.json()["match"]["name"] == "paris-hq-main");
  auto lagoon = http_send(s.port, "POST", "/1.0/routing/explain", body, kLagoonToken);
  CHECK(lagoon.status == 403);
  CHECK(http_send(s.port, "POST", "/1.0/routing/explain", body).status == 401);
}

TEST_CASE("a snapshot swap under concurrent routing load never gives an error or a mixed answer") {
  CallService s("c4test_calls_swap", "", 8, without_ipbx_capacity);
  // Revision B moves paris-hq-main from acme-paris-hq (192.0.2.10) to acme-lyon.
  auto did_file = s.dir / "tenants/acme/dids/paris-hq.yaml";
  std::string original;
  {
    std::ifstream in(did_file);
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string moved = original;
  moved.replace(moved.find("ipbx: acme-paris-hq"), 19, "ipbx: acme-lyon    ");

  std::atomic<bool> done{false};
  std::atomic<int> errors{0}, mixed{0}, answers{0};
  std::set<std::string> seen_hosts;
  std::mutex seen_mutex;
  std::vector<std::thread> callers;
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", s.port);
      client.set_keep_alive(true);
      while (!done) {
        auto r = client.Post("/1.0/kamailio/routing", inbound_call("0600000" + std::to_string(100 + t)).dump(),
                             "application/json");
        if (!r || r->status != 200) {
          ++errors;
          continue;
        }
        auto j = nlohmann::json::parse(r->body);
        if (j["rtjson"]["success"] != true) {
          ++errors;
          continue;
        }
        auto route = j["rtjson"]["routes"][0];
        std::string dst = host_of(route["dst_uri"]), to = host_of(route["headers"]["to"]["uri"]);
        if (dst != to) ++mixed;  // the To host and the destination come from one IPBX
        ++answers;
        std::lock_guard lock(seen_mutex);
        seen_hosts.insert(dst);
      }
    });
  }
  for (int i = 0; i < 4; ++i) {
    std::ofstream(did_file, std::ios::trunc) << (i % 2 == 0 ? moved : original);
    apply_directory(s.db.conn(), s.dir);
    const auto revision = pqxx::nontransaction(s.db.conn())
                              .exec1("SELECT live_revision_id::text FROM reconciler_status")[0]
                              .as<std::string>();
    CHECK(eventually([&] { return s.calls->snapshot().get()->revision() == revision; }));
  }
  done = true;
  for (auto& th : callers) th.join();
  CHECK(errors == 0);
  CHECK(mixed == 0);
  CHECK(answers > 0);
  CHECK(seen_hosts.size() == 2);  // both revisions answered
}

TEST_CASE("routing keeps answering from the last snapshot when PostgreSQL is stopped") {
  PrivatePostgres postgres;
  CallService s("c4test_calls_pgdown", postgres.url());
  s.db.abandon();
  postgres.stop();
  auto r = http_send(s.port, "POST", "/1.0/kamailio/routing", inbound_call("0611223344").dump());
  REQUIRE(r.status == 200);
  CHECK(r.json()["rtjson"]["routes"][0]["dst_uri"] == "sip:192.0.2.10:5060");
  CHECK(http_get(s.port, "/status").status == 204);
  // A CDR cannot be made durable now: 503, never a success that is not committed.
  nlohmann::json cdr = {{"tenant_id", r.json()["auth"]["tenant_uuid"]}, {"call_id", "pgdown"}, {"call_start", 1795000000},
                        {"duration", 1}};
  CHECK(http_send(s.port, "POST", "/1.0/kamailio/cdr", cdr.dump()).status == 503);
}

}  // namespace c4::test

namespace c4::test {
namespace {

// Applies `dir` and returns the pass's outcome (what the reconcile loop hands off).
PassOutcome apply_for_handoff(pqxx::connection& conn, const std::filesystem::path& dir) {
  auto revision = RevisionSource::open_directory(dir)->load();
  REQUIRE(revision.is_ok());
  auto outcome = reconcile_revision(conn, *revision, **SchemaSet::builtin(), {});
  REQUIRE_MESSAGE(outcome.status.is_ok(), outcome.status.message());
  REQUIRE(outcome.revision_id);
  return outcome;
}

// The revision the watcher says its "routing" snapshot is at ("" before it loaded).
std::string watcher_routing_revision(api::ApiService& service) {
  for (const auto& s : service.watcher().snapshots())
    if (s.name == "routing") return s.revision;
  return "";
}

void move_paris_did_to_lyon(const std::filesystem::path& dir) {
  auto file = dir / "tenants/acme/dids/paris-hq.yaml";
  std::ifstream in(file);
  std::string text(std::istreambuf_iterator<char>(in), {});
  text.replace(text.find("ipbx: acme-paris-hq"), 19, "ipbx: acme-lyon    ");
  std::ofstream(file, std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("a handed-off revision routes at once and the watcher does not reload it from PostgreSQL") {
  CallService s("c4test_calls_handoff");
  move_paris_did_to_lyon(s.dir);
  PassOutcome outcome = apply_for_handoff(s.db.conn(), s.dir);
  REQUIRE(s.calls->take_applied_revision(*outcome.catalog, outcome.ids, *outcome.revision_id).is_ok());
  // Swapped before take_applied_revision returned: no wait for a watcher.
  auto handed = s.calls->snapshot().get();
  REQUIRE(handed->revision() == std::to_string(*outcome.revision_id));
  auto r = http_send(s.port, "POST", "/1.0/kamailio/routing", inbound_call("0611223344").dump());
  REQUIRE(r.status == 200);
  CHECK(host_of(r.json()["rtjson"]["routes"][0]["dst_uri"]) != "192.0.2.10");  // no longer acme-paris-hq
  // The watcher catches up with the revision, and finds nothing to reload: the snapshot served
  // is still the one handed off, not a second copy read from PostgreSQL.
  std::string live = std::to_string(*outcome.revision_id) + ":" + outcome.commit_id;
  REQUIRE(eventually([&] { return watcher_routing_revision(*s.service) == live; }));
  CHECK(s.calls->snapshot().get() == handed);
  // Handing off the same revision again compiles nothing.
  REQUIRE(s.calls->take_applied_revision(*outcome.catalog, outcome.ids, *outcome.revision_id).is_ok());
  CHECK(s.calls->snapshot().get() == handed);
}

TEST_CASE("a reload from PostgreSQL never replaces a newer handed-off revision") {
  CallService s("c4test_calls_handoff_order");
  PassOutcome current = apply_for_handoff(s.db.conn(), s.dir);
  // A hand-off ahead of the database (as when the watcher reads just before the commit)...
  int64_t ahead = *current.revision_id + 100;
  REQUIRE(s.calls->take_applied_revision(*current.catalog, current.ids, ahead).is_ok());
  // ... then PostgreSQL moves to a revision the watcher loads: it is older than the hand-off.
  move_paris_did_to_lyon(s.dir);
  PassOutcome next = apply_for_handoff(s.db.conn(), s.dir);
  s.service->watcher().check_soon();
  std::string live = std::to_string(*next.revision_id) + ":" + next.commit_id;
  REQUIRE(eventually([&] { return watcher_routing_revision(*s.service) == live; }));
  CHECK(s.calls->snapshot().get()->revision() == std::to_string(ahead));
}

}  // namespace c4::test
