// Issue 12 part 3 over the real binary: `c4confd all` (C4_BINARY) on examples/, with
// PostgreSQL and Redis, answers hostile Kamailio requests. No header value it sends holds CR,
// LF or NUL (but the \r\n that ends each line of `extra`), every route has its Request-URI at
// the target's host, and the uacreg table never has a row cut in two.
#include <csignal>
#include <sstream>

#include "server_test_support.h"
#include "test_net.h"
#include "test_process.h"
#include "test_support.h"

namespace c4::test {
namespace {

using nlohmann::json;

// `c4confd all` on a copy of examples/, its secrets hostile where that is the point.
class AllProcess {
 public:
  explicit AllProcess(const std::string& db_name) : db_(db_name) {
    const char* redis = std::getenv("C4CONFD_REDIS_URL");
    REQUIRE_MESSAGE(redis, "C4CONFD_REDIS_URL is not set: run the tests through ./c4 test");
    examples_copy(dir_.path() / "repo");
    ::setenv("C4_SECRET_ORANGE_PARIS_PASSWORD", "orange\r\nX-Injected: 1", 1);  // refused: orange-paris has no credentials
    ::setenv("C4_SECRET_VOXBONE_PASSWORD", "vox:pa\\ss", 1);                  // escaped in uacreg
    ::setenv("C4_SECRET_TIM_MILANO_PASSWORD", "tim-secret", 1);
    ::setenv("C4_SECRET_ACME_LYON_SIP_PASSWORD", "lyon-secret", 1);
    ::setenv("C4_SECRET_LAGOON_ROMA_SIP_PASSWORD", "roma-secret", 1);
    port_ = free_loopback_port();
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{C4_BINARY, "all", (dir_.path() / "repo").string(), "--listen",
                                 "127.0.0.1:" + std::to_string(port_), "--database-url", db_.url(), "--redis-url", redis,
                                 "--interval", "1s", "--log-level", "warn"},
        dir_.path() / "c4confd.log");
    bool up = eventually([&] { return http_get(port_, "/status").status == 204; }, std::chrono::milliseconds(30000));
    REQUIRE_MESSAGE(up, "c4confd all did not become ready");
    // Ready serves the snapshot it has; the loop's first apply of the examples follows.
    bool routed = eventually([&] {
      auto r = post("/1.0/kamailio/routing", R"({"source_ip": "203.0.113.10", "from_uri": "sip:0611223344@x",
                                                 "to_uri": "sip:0140000123@x"})");
      return r.status == 200 && r.json()["rtjson"]["success"] == true;
    }, std::chrono::milliseconds(30000));
    REQUIRE_MESSAGE(routed, "c4confd all never routed the examples");
  }
  ~AllProcess() {
    process_->send(SIGTERM);
    CHECK(process_->wait_for(std::chrono::milliseconds(15000)).has_value());
  }
  Reply post(const std::string& path, const std::string& body) const { return http_send(port_, "POST", path, body); }
  Reply get(const std::string& path) const { return http_get(port_, path); }

 private:
  ScratchDatabase db_;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// Scenario 1 of examples/README.md (Orange Paris to an ACME number) and the failover call of
// acme-paris-hq to Italy (two trunks).
json inbound() {
  return {{"event", "sip-routing"}, {"source_ip", "203.0.113.10"}, {"source_port", 5060}, {"auth", "1"},
          {"call_id", "trust-1"}, {"from_uri", "sip:0611223344@203.0.113.10"}, {"to_uri", "sip:0140000123@203.0.113.10"}};
}
json outbound() {
  return {{"source_ip", "192.0.2.10"}, {"auth", "1"}, {"call_id", "trust-2"},
          {"from_uri", "sip:0140000123@paris.acme.example.com"}, {"to_uri", "sip:00390612345678@c4.example"}};
}

bool has_crlf_or_nul(const std::string& s) { return s.find_first_of(std::string("\r\n\0", 3)) != std::string::npos; }

// Every header value of an rtjson answer: none holds CR, LF or NUL, except the "\r\n" that
// ends each line of `extra`. Returns the number of routes checked.
size_t check_header_values(const json& rtjson) {
  size_t routes = 0;
  for (const auto& r : rtjson.value("routes", json::array())) {
    ++routes;
    for (const char* key : {"uri", "dst_uri", "path", "socket"}) CHECK_FALSE(has_crlf_or_nul(r[key].get<std::string>()));
    for (const char* side : {"from", "to"})
      for (const char* key : {"display", "uri"}) CHECK_FALSE(has_crlf_or_nul(r["headers"][side][key].get<std::string>()));
    std::string extra = r["headers"]["extra"];
    REQUIRE(extra.size() >= 2);
    CHECK(extra.substr(extra.size() - 2) == "\r\n");
    for (size_t at = 0, end; at < extra.size(); at = end + 2) {
      end = extra.find("\r\n", at);
      REQUIRE(end != std::string::npos);
      CHECK_FALSE(has_crlf_or_nul(extra.substr(at, end - at)));
    }
  }
  for (const char* key : {"auth_username", "auth_password", "realm"})
    if (rtjson.contains(key)) CHECK_FALSE(has_crlf_or_nul(rtjson[key].get<std::string>()));
  return routes;
}

std::string host_of(const std::string& uri) {
  auto at = uri.find('@');
  return uri.substr(at + 1, uri.find_first_of(":;>", at + 1) - at - 1);
}

}  // namespace

TEST_CASE("c4confd all over HTTP keeps CR and LF and NUL of hostile requests out of every header") {
  AllProcess c4("c4test_trust_all");
  const std::vector<std::string> hostile = {"\r\n", "\r", "\n", std::string(1, '\0'), "\r\nP-Asserted-Identity: <sip:112@evil>\r\n"};

  // Display names: the call is routed, the name is dropped, no header holds the bytes.
  for (const auto& bad : hostile)
    for (const std::string field : {"from_name", "to_name"}) {
      CAPTURE(field);
      json body = inbound();
      body[field] = "Eve" + bad + "X";
      auto r = c4.post("/1.0/kamailio/routing", body.dump());
      REQUIRE(r.status == 200);
      auto rt = r.json()["rtjson"];
      CHECK(check_header_values(rt) == 1);
      CHECK(rt["routes"][0]["headers"]["from"]["display"] == "");
    }

  // URIs, the user and the Call-ID: the request is refused, 400 naming the field (Kamailio
  // answers the caller 400 Bad Request); never a 500, never a partial answer.
  for (const auto& bad : hostile)
    for (const std::string field : {"from_uri", "to_uri", "username", "call_id", "from_tag", "domain"}) {
      CAPTURE(field);
      json body = inbound();
      std::string value = body.value(field, std::string("abcdefgh"));
      body[field] = value.substr(0, 5) + bad + value.substr(5);
      for (const char* path : {"/1.0/kamailio/routing", "/1.0/kamailio/auth"}) {
        auto r = c4.post(path, body.dump());
        CHECK(r.status == 400);
        CHECK(r.json()["error"]["details"]["field"] == field);
      }
    }

  // A quoted name is quoted once; <null> is no name; every route has its Request-URI.
  json quoted = inbound();
  quoted["from_name"] = "\"Caller \\\"One\\\"\"";
  auto first = c4.post("/1.0/kamailio/routing", quoted.dump()).json()["rtjson"]["routes"][0];
  CHECK(first["headers"]["from"]["display"] == "\"Caller \\\"One\\\"\"");
  CHECK(first["headers"]["extra"] == "P-Asserted-Identity: \"Caller \\\"One\\\"\" <sip:0611223344@203.0.113.10>\r\n");
  CHECK(first["uri"] == "sip:0140000123@192.0.2.10");
  json null_name = outbound();
  null_name["from_name"] = "<null>";
  auto rt = c4.post("/1.0/kamailio/routing", null_name.dump()).json()["rtjson"];
  REQUIRE(check_header_values(rt) == 2);
  std::vector<std::string> hosts;
  for (const auto& route : rt["routes"]) {
    CHECK(route["headers"]["from"]["display"] == "");
    CHECK(route["uri"] == route["headers"]["to"]["uri"]);
    hosts.push_back(host_of(route["uri"].get<std::string>()));
  }
  CHECK(hosts == std::vector<std::string>{"fr.sip.voxbone.example", "sbc-paris.orange.example"});
  // voxbone-fr's credentials, the colon and backslash of its secret as they are (JSON escapes them).
  CHECK(rt["auth_username"] == "acme-c4");
  CHECK(rt["auth_password"] == "vox:pa\\ss");
}

TEST_CASE("c4confd all over HTTP writes uacreg rows that a secret with a colon or a line break cannot cut") {
  AllProcess c4("c4test_trust_uacreg");
  auto r = c4.get("/1.0/kamailio/dbtext/uacreg");
  REQUIRE(r.status == 200);
  std::string content = r.json()["content"];
  CHECK(content.find("orange") == std::string::npos);
  CHECK(content.find("X-Injected") == std::string::npos);  // orange-paris's refused secret is nowhere
  CHECK(content.find(":acme-c4:vox\\:pa\\\\ss:sip\\:fr.sip.voxbone.example:") != std::string::npos);
  // Every row: 14 fields when split at the colons db_text splits at (an unescaped one).
  size_t rows = 0;
  std::istringstream lines(content.substr(content.find('\n') + 1));
  for (std::string line; std::getline(lines, line); ++rows) {
    size_t fields = 1;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\') ++i;
      else if (line[i] == ':') ++fields;
    }
    CHECK(fields == 14);
  }
  CHECK(rows == 2);  // voxbone-fr and tim-milano; orange-paris has no usable secret
}

}  // namespace c4::test
