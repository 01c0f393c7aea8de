// wazo-auth tokens (X-Auth-Token, Wazo-Tenant) over real HTTP: the real server and PostgreSQL
// holding the examples, and a small fake wazo-auth on 127.0.0.1 that speaks wazo-auth's token
// check (GET /0.1/token/{token}[?tenant=UUID]) and counts the calls it gets.
#include <atomic>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "raw_http_client.h"
#include "server_test_support.h"
#include "test_net.h"

namespace c4::test {
namespace {

// "2026-11-26T10:00:00.000000" `seconds` from now, as wazo-auth writes utc_expires_at.
std::string wazo_time(int64_t seconds_from_now) {
  std::time_t t = std::time(nullptr) + seconds_from_now;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000000", &tm);
  return text;
}

class FakeWazoAuth {
 public:
  struct Token {
    std::string tenant;
    std::vector<std::string> acls;
    int64_t expires_in = 3600;
    std::set<std::string> sub_tenants;  // tenants `?tenant=` is allowed for
  };

  explicit FakeWazoAuth(std::map<std::string, Token> tokens = {}) : tokens_(std::move(tokens)) {
    server_.Get(R"(/0\.1/token/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
      ++calls;
      std::lock_guard lock(mutex_);
      asked_.push_back(req.matches[1]);
      if (down) {
        res.status = 500;
        res.set_content("{\"message\": \"internal\"}", "application/json");
        return;
      }
      auto it = tokens_.find(req.matches[1]);
      bool tenant_ok = it != tokens_.end() &&
                       (!req.has_param("tenant") || req.get_param_value("tenant") == it->second.tenant ||
                        it->second.sub_tenants.count(req.get_param_value("tenant")));
      if (it == tokens_.end() || !tenant_ok) {
        res.status = it == tokens_.end() ? 404 : 403;
        res.set_content("{\"reason\": [\"No such token\"]}", "application/json");
        return;
      }
      nlohmann::json data = {{"token", it->first}, {"auth_id", "a1"}, {"acl", it->second.acls},
                             {"metadata", {{"uuid", "u1"}, {"tenant_uuid", it->second.tenant}}},
                             {"utc_expires_at", wazo_time(it->second.expires_in)}};
      res.set_content(nlohmann::json{{"data", data}}.dump(), "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() only stops a server that runs: wait for the accept loop before anyone may call it.
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(server_.is_running());
  }
  ~FakeWazoAuth() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void set(const std::string& token, Token t) {
    std::lock_guard lock(mutex_);
    tokens_[token] = std::move(t);
  }
  std::vector<std::string> asked() {
    std::lock_guard lock(mutex_);
    return asked_;
  }

  std::atomic<int> calls{0};
  std::atomic<bool> down{false};

 private:
  std::map<std::string, Token> tokens_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<std::string> asked_;
};

Reply wazo_get(int port, const std::string& path, const std::string& token, const std::string& tenant = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  httplib::Headers headers = {{"X-Auth-Token", token}};
  if (!tenant.empty()) headers.emplace("Wazo-Tenant", tenant);
  return to_reply(client.Get(path.c_str(), headers));
}

// The examples' tenants and the tokens the fake wazo-auth knows about them.
struct WazoFixture {
  std::string acme, lagoon;
  std::unique_ptr<FakeWazoAuth> wazo;
  std::unique_ptr<ExamplesService> service;

  explicit WazoFixture(const std::string& name) {
    wazo = std::make_unique<FakeWazoAuth>();
    std::string url = wazo->url();
    service = std::make_unique<ExamplesService>(name, [url](api::ApiServiceOptions& o) { o.wazo_auth.url = url; });
    acme = service->get("/1.0/tenants/by-name/acme").json()["uuid"].get<std::string>();
    lagoon = service->get("/1.0/tenants/by-name/lagoon").json()["uuid"].get<std::string>();
    wazo->set("tok-acme", {acme, {"c4confd.config.read"}, 3600, {}});
    wazo->set("tok-reseller", {acme, {"c4confd.#"}, 3600, {lagoon}});
    wazo->set("tok-expired", {acme, {"c4confd.config.read"}, -60, {}});
    wazo->set("tok-no-acl", {acme, {"confd.users.read"}, 3600, {}});
  }
  int port() const { return service->port(); }
};

// The tenants of a list's items, sorted and joined by commas (so a failed check prints them).
std::string tenants_of(const Reply& list) {
  std::set<std::string> tenants;
  nlohmann::json body = list.json();  // the items must outlive the loop
  for (const auto& item : body["items"]) tenants.insert(item["tenant_uuid"].get<std::string>());
  std::string out;
  for (const auto& t : tenants) out += (out.empty() ? "" : ",") + t;
  return out;
}

}  // namespace

TEST_CASE("a wazo-auth token reads its own tenant's configuration and nothing of another tenant") {
  WazoFixture f("c4test_wazo_reads");
  auto carriers = wazo_get(f.port(), "/1.0/carriers", "tok-acme");
  REQUIRE(carriers.status == 200);
  CHECK(carriers.json()["total"].get<int>() > 0);
  CHECK(tenants_of(carriers) == f.acme);

  auto all = f.service->get("/1.0/carriers?tenant=lagoon").json();
  REQUIRE(all["total"].get<int>() > 0);
  std::string lagoon_carrier = std::to_string(all["items"][0]["id"].get<int64_t>());
  CHECK(wazo_get(f.port(), "/1.0/carriers/" + lagoon_carrier, "tok-acme").status == 404);
  CHECK(wazo_get(f.port(), "/1.0/carriers?tenant=lagoon", "tok-acme").json()["total"] == 0);
  // Revisions describe every tenant: the fleet ACL, which this token lacks.
  auto revisions = wazo_get(f.port(), "/1.0/revisions", "tok-acme");
  CHECK(revisions.status == 403);
  CHECK(error_code(revisions) == "forbidden");
  CHECK(wazo_get(f.port(), "/1.0/revisions", "tok-reseller").status == 200);
}

TEST_CASE("Wazo-Tenant chooses among the tenants wazo-auth lets the token see") {
  WazoFixture f("c4test_wazo_tenant");
  CHECK(tenants_of(wazo_get(f.port(), "/1.0/carriers", "tok-reseller")) == f.acme);
  auto lagoon = wazo_get(f.port(), "/1.0/carriers", "tok-reseller", f.lagoon);
  REQUIRE(lagoon.status == 200);
  CHECK(lagoon.json()["total"].get<int>() > 0);
  CHECK(tenants_of(lagoon) == f.lagoon);
  // Upper case is the same tenant.
  std::string upper = f.lagoon;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(tenants_of(wazo_get(f.port(), "/1.0/carriers", "tok-reseller", upper)) == f.lagoon);

  auto refused = wazo_get(f.port(), "/1.0/carriers", "tok-acme", f.lagoon);
  CHECK(refused.status == 403);
  CHECK(error_code(refused) == "forbidden");
  CHECK(wazo_get(f.port(), "/1.0/carriers", "tok-reseller", "00000000-0000-4000-8000-000000000000").status == 403);
  auto malformed = wazo_get(f.port(), "/1.0/carriers", "tok-reseller", "lagoon");
  CHECK(malformed.status == 400);
  CHECK(error_code(malformed) == "invalid_input");
  CHECK(malformed.json()["error"]["details"]["field"] == "Wazo-Tenant");
  CHECK(malformed.json()["error"]["details"]["in"] == "header");
  // Bearer tokens are narrowed the same way, within their own tenants.
  httplib::Client client("127.0.0.1", f.port());
  auto noc = to_reply(client.Get("/1.0/carriers", {{"Authorization", "Bearer " + kAcmeToken}, {"Wazo-Tenant", f.lagoon}}));
  CHECK(noc.status == 403);
  auto admin = to_reply(client.Get("/1.0/carriers", {{"Authorization", "Bearer " + kAdminToken}, {"Wazo-Tenant", f.lagoon}}));
  REQUIRE(admin.status == 200);
  CHECK(tenants_of(admin) == f.lagoon);
}

TEST_CASE("expired unknown and ACL-less wazo-auth tokens are refused") {
  WazoFixture f("c4test_wazo_refused");
  for (const std::string token : {"tok-expired", "tok-unknown"}) {
    CAPTURE(token);
    auto r = wazo_get(f.port(), "/1.0/carriers", token);
    CHECK(r.status == 401);
    CHECK(error_code(r) == "unauthorized");
    CHECK(r.header("WWW-Authenticate").find("Bearer") == 0);
  }
  auto no_acl = wazo_get(f.port(), "/1.0/carriers", "tok-no-acl");
  CHECK(no_acl.status == 403);
  CHECK(no_acl.json()["error"]["message"].get<std::string>().find("c4confd.config.read") != std::string::npos);
}

TEST_CASE("Kamailio paths never accept nor check a wazo-auth token") {
  FakeWazoAuth wazo({{"tok", {"0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10", {"#"}, 3600, {}}}});
  api::AccessConfig config;
  config.trusted_networks = api::parse_network_list("127.0.0.0/8").value();
  api::WazoAuthOptions options;
  options.url = wazo.url();
  config.wazo_auth = api::WazoAuth::create(options).value();
  api::AccessControl access(config, std::make_shared<api::SnapshotHolder<api::AccessSnapshot>>());
  api::Credentials wazo_token{"", "tok", ""};
  CHECK_FALSE(access.may_block(api::Access::kamailio, wazo_token));
  CHECK(access.decide(api::Access::kamailio, wazo_token, "192.0.2.7").denial.status == 403);
  CHECK(access.decide(api::Access::kamailio, wazo_token, "127.0.0.1").allowed);  // the network, not the token
  CHECK(wazo.calls == 0);
  CHECK(access.may_block(api::Access::reader, wazo_token));
  CHECK(access.decide(api::Access::reader, wazo_token, "192.0.2.7").allowed);
  CHECK(wazo.calls == 1);
}

TEST_CASE("wazo-auth answers are cached until they expire and the cache is bounded") {
  FakeWazoAuth wazo({{"t1", {"0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10", {"a"}, 100, {}}},
                     {"t2", {"0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10", {"a"}, 200, {}}},
                     {"t3", {"0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10", {"a"}, 300, {}}}});
  auto now = std::chrono::system_clock::now();
  api::WazoAuthOptions options;
  options.url = wazo.url();
  options.cache_entries = 2;
  options.now = [&now] { return now; };
  auto auth = api::WazoAuth::create(options).value();
  auto t1 = auth->check("t1");
  CHECK(t1.state == api::WazoToken::State::valid);
  CHECK(t1.tenant_uuid == "0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10");
  CHECK(t1.acls == std::vector<std::string>{"a"});
  CHECK(auth->check("t1").state == api::WazoToken::State::valid);
  CHECK(wazo.calls == 1);
  CHECK(auth->calls() == 1);
  CHECK(auth->check("nobody").state == api::WazoToken::State::unknown);
  CHECK(auth->check("nobody").state == api::WazoToken::State::unknown);  // cached too
  CHECK(wazo.calls == 2);
  // Past t1's expiry (100 s) it is asked again, and an answer whose expiry has passed is an
  // expired token (the fake dates its answers by the real clock, 100 s from now).
  now += std::chrono::seconds(150);
  CHECK(auth->check("t1").state == api::WazoToken::State::unknown);
  CHECK(wazo.calls == 3);
  now -= std::chrono::seconds(150);
  // Two entries at most: t2 and t3 push out the entries that expire first.
  auth->check("t2");
  auth->check("t3");
  CHECK(wazo.calls == 5);
  auth->check("t3");
  CHECK(wazo.calls == 5);
}

TEST_CASE("a wazo-auth that is down or unreachable is a 503 naming it never a 500") {
  WazoFixture f("c4test_wazo_down");
  f.wazo->down = true;
  auto r = wazo_get(f.port(), "/1.0/carriers", "tok-acme");
  CHECK(r.status == 503);
  CHECK(error_code(r) == "unavailable");
  CHECK(r.json()["error"]["details"]["service"] == "wazo-auth");
  CHECK(r.json()["error"]["details"]["retryable"] == true);
  f.wazo->down = false;
  CHECK(wazo_get(f.port(), "/1.0/carriers", "tok-acme").status == 200);  // an outage is not cached

  api::WazoAuthOptions closed;
  closed.url = "http://127.0.0.1:" + std::to_string(free_loopback_port());
  closed.timeout = std::chrono::milliseconds(500);
  auto auth = api::WazoAuth::create(closed).value();
  CHECK(auth->check("tok-acme").state == api::WazoToken::State::unavailable);
}

TEST_CASE("hostile X-Auth-Token and Wazo-Tenant bytes are refused without reaching wazo-auth") {
  WazoFixture f("c4test_wazo_hostile");
  int before = f.wazo->calls;
  for (const std::string& token : {std::string("../../0.1/tenants"), std::string("tok-acme?tenant=x"), std::string("a b"),
                                  std::string("tok%2Dacme"), std::string(300, 'a'), std::string("tok-acme\x01"),
                                  std::string("t\xc3\xa9")}) {
    CAPTURE(token);
    RawHttpClient client(f.port());
    client.send("GET /1.0/carriers HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + token + "\r\n\r\n");
    auto r = client.read_response();
    REQUIRE(r);
    // 400 when the HTTP parser already refuses the byte (a control character), else 401.
    CHECK((r->status == 401 || r->status == 400));
  }
  {
    RawHttpClient client(f.port());
    client.send("GET /1.0/carriers HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + std::string(12000, 'x') + "\r\n\r\n");
    auto r = client.read_response();
    REQUIRE(r);
    CHECK(r->status == 401);
  }
  CHECK(f.wazo->calls == before);
  for (const std::string& tenant : {std::string("../x"), std::string(5000, 'f'), std::string("\x7f"),
                                   f.lagoon + "\x01"}) {
    RawHttpClient client(f.port());
    client.send("GET /1.0/carriers HTTP/1.1\r\nHost: x\r\nX-Auth-Token: tok-reseller\r\nWazo-Tenant: " + tenant + "\r\n\r\n");
    auto r = client.read_response();
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  for (const auto& asked : f.wazo->asked()) CHECK(asked == "tok-reseller");
}

TEST_CASE("ACL patterns grant with Wazo's wildcards") {
  CHECK(api::acl_grants("c4confd.config.read", "c4confd.config.read"));
  CHECK(api::acl_grants("c4confd.#", "c4confd.config.read"));
  CHECK(api::acl_grants("#", "c4confd.fleet.read"));
  CHECK(api::acl_grants("c4confd.*.read", "c4confd.fleet.read"));
  CHECK_FALSE(api::acl_grants("c4confd.*", "c4confd.config.read"));
  CHECK_FALSE(api::acl_grants("c4confd.config.read.#", "c4confd.config.read"));
  CHECK_FALSE(api::acl_grants("c4confd.config", "c4confd.config.read"));
  CHECK_FALSE(api::acl_grants("confd.#", "c4confd.config.read"));
  CHECK_FALSE(api::acl_grants("", "c4confd.config.read"));
}

TEST_CASE("wazo-auth times and URLs are read strictly") {
  auto t = api::parse_wazo_time("2026-11-26T10:00:00.123456");
  REQUIRE(t);
  CHECK(std::chrono::system_clock::to_time_t(*t) == 1795687200);
  CHECK(api::parse_wazo_time("2026-11-26T10:00:00Z"));
  CHECK(api::parse_wazo_time("2026-11-26T10:00:00+00:00"));
  CHECK_FALSE(api::parse_wazo_time("2026-11-26T10:00:00+02:00"));
  CHECK_FALSE(api::parse_wazo_time("tomorrow"));
  CHECK_FALSE(api::parse_wazo_time(""));
  for (const std::string bad : {"ftp://wazo", "wazo-auth:9497", "http://", "http://host:port", "http://ho st:9497",
                                "http://host:9497/a\r\nb"}) {
    CAPTURE(bad);
    api::WazoAuthOptions o;
    o.url = bad;
    CHECK_FALSE(api::WazoAuth::create(o).is_ok());
  }
  for (const std::string good : {"http://127.0.0.1:9497", "https://wazo-auth.wazo.svc:9497", "https://host/api/auth",
                                  "http://[::1]:9497/"}) {
    CAPTURE(good);
    api::WazoAuthOptions o;
    o.url = good;
    CHECK(api::WazoAuth::create(o).is_ok());
  }
}

}  // namespace c4::test
