// POST /1.0/routing/explain over the real binary, asked with one tenant's token about calls
// that touch the other tenant (its PBX's address, its numbers, its trunk, its network): the
// answer names nothing of the other tenant, while the admin token sees it all.
#include <algorithm>

#include "served_binary.h"

namespace c4::test {
namespace {

// What must never reach the other tenant: names, UUID, addresses, networks, DID blocks of
// examples/ (examples/README.md, "Objects" and "Numbers").
const std::vector<std::string> kAcmeSecrets = {
    "acme",         "c8c31ae4",     "orange",        "voxbone",      "192.0.2.10",   "192.0.2.11",
    "192.0.2.32/29", "203.0.113.10", "203.0.113.20", "203.0.113.128", "+33140000000", "+33140000999",
    "paris",        "lyon",         "ACME-000"};
const std::vector<std::string> kLagoonSecrets = {
    "lagoon",      "8c97b58d",         "tim-",          "198.51.100.40", "198.51.100.48/29", "203.0.113.64",
    "203.0.113.80", "+390645670000", "+390645670999", "venezia",       "roma"};

struct Shape {
  const char* what;
  nlohmann::json request;
  int status;  // for the tenant's token
};

nlohmann::json call(const std::string& source_ip, const std::string& from_uri, const std::string& to_uri,
                    const std::string& username = "", const std::string& domain = "") {
  nlohmann::json j = {{"source_ip", source_ip}, {"source_port", 5060}, {"call_id", "isolation"},
                      {"from_uri", from_uri}, {"to_uri", to_uri}};
  if (!username.empty()) j["username"] = username;
  if (!domain.empty()) j["domain"] = domain;
  return j;
}

// The secrets of `secrets` found in `text`, leaving out those the request itself holds (the
// answer may echo the caller's own input).
std::vector<std::string> leaked(const std::string& text, const std::vector<std::string>& secrets,
                                const std::string& request) {
  std::vector<std::string> out;
  for (const auto& s : secrets)
    if (text.find(s) != std::string::npos && request.find(s) == std::string::npos) out.push_back(s);
  return out;
}

// Asks every shape with `token` and with the admin token; checks the tenant's answers hide
// `secrets` and that the admin's answers to the 200 shapes do show some (so the shape really
// reaches the other tenant, and the hiding is what keeps them out).
void check_shapes(int port, const std::string& token, const std::vector<std::string>& secrets,
                  const std::vector<Shape>& shapes) {
  for (const auto& shape : shapes) {
    CAPTURE(shape.what);
    std::string body = shape.request.dump();
    auto tenant = http_send(port, "POST", "/1.0/routing/explain", body, token);
    CAPTURE(tenant.body);
    CHECK(tenant.status == shape.status);
    CHECK(leaked(tenant.body, secrets, body).empty());
    auto admin = http_send(port, "POST", "/1.0/routing/explain", body, kAdminToken);
    REQUIRE(admin.status == 200);
    CHECK_FALSE(leaked(admin.body, secrets, body).empty());
  }
}

}  // namespace

TEST_CASE("explain with a tenant token names no object address or number of another tenant") {
  ServedExamples s("c4test_explain_isolation");
  std::vector<Shape> against_acme = {
      {"lagoon-venezia calls a number of an ACME DID range",
       call("198.51.100.40", "sip:0412700042@198.51.100.40", "sip:0033140000123@198.51.100.40"), 200},
      {"an unknown caller inside ACME Lyon's network naming Lagoon's PBX",
       call("192.0.2.33", "sip:0645670001@198.51.100.49", "sip:0645670002@198.51.100.49", "lagoon-roma",
            "roma.lagoon.test"),
       200},
      {"ACME's Paris PBX address calls a Lagoon number", call("192.0.2.10", "sip:0140000123@192.0.2.10",
                                                               "sip:0645670001@192.0.2.10"),
       403},
      {"ACME's Orange trunk address calls an ACME number",
       call("203.0.113.10", "sip:0611223344@203.0.113.10", "sip:0140000123@203.0.113.10"), 403},
      {"ACME's Lyon PBX with its username and From domain",
       call("192.0.2.34", "sip:0472100042@lyon.acme.example.com", "sip:0645670001@lyon.acme.example.com",
            "acme-lyon", "lyon.acme.example.com"),
       403},
  };
  check_shapes(s.port(), kLagoonToken, kAcmeSecrets, against_acme);

  std::vector<Shape> against_lagoon = {
      {"acme-paris-hq calls a number of a Lagoon DID range",
       call("192.0.2.10", "sip:0140000123@192.0.2.10", "sip:00390645670001@192.0.2.10"), 200},
      {"an unknown caller inside Lagoon Rome's network naming ACME's Lyon PBX",
       call("198.51.100.49", "sip:0472100042@192.0.2.33", "sip:0472100043@192.0.2.33", "acme-lyon",
            "lyon.acme.example.com"),
       200},
      {"Lagoon's TIM Rome trunk address calls a Lagoon number",
       call("203.0.113.80", "sip:3470186654@203.0.113.80", "sip:0645670001@203.0.113.80"), 403},
  };
  check_shapes(s.port(), kAcmeToken, kLagoonSecrets, against_lagoon);
}

TEST_CASE("explain refuses another tenant's caller with a 403 that names nothing and still answers its own") {
  ServedExamples s("c4test_explain_refusal");
  auto acme_caller = call("192.0.2.10", "sip:0140000123@192.0.2.10", "sip:0561234567@192.0.2.10").dump();
  auto refused = http_send(s.port(), "POST", "/1.0/routing/explain", acme_caller, kLagoonToken);
  REQUIRE(refused.status == 403);
  CHECK(error_code(refused) == "forbidden");
  CHECK(refused.json()["error"]["details"] == nlohmann::json::object());
  // The token's own tenant is explained in full, skipped candidates included.
  auto own = http_send(s.port(), "POST", "/1.0/routing/explain", acme_caller, kAcmeToken);
  REQUIRE(own.status == 200);
  CHECK(own.json()["caller"]["name"] == "acme-paris-hq");
  CHECK(own.json()["match"]["kind"] == "rule");
  CHECK(own.json()["routes"].size() >= 1);
  // An ACME caller whose callee is a Lagoon number: the skipped DID of Lagoon is the admin's
  // to see, not ACME's; ACME's own skipped rules stay.
  auto cross = call("192.0.2.10", "sip:0140000123@192.0.2.10", "sip:00390645670001@192.0.2.10").dump();
  auto admin = http_send(s.port(), "POST", "/1.0/routing/explain", cross, kAdminToken).json();
  auto acme = http_send(s.port(), "POST", "/1.0/routing/explain", cross, kAcmeToken).json();
  auto kinds = [](const nlohmann::json& answer) {
    std::vector<std::string> out;
    for (const auto& item : answer["skipped"]) out.push_back(item["kind"]);
    return out;
  };
  auto admin_kinds = kinds(admin), acme_kinds = kinds(acme);
  CHECK(std::count(admin_kinds.begin(), admin_kinds.end(), "did") == 1);
  CHECK(std::count(acme_kinds.begin(), acme_kinds.end(), "did") == 0);
  CHECK(acme_kinds.size() == admin_kinds.size() - 1);
  CHECK(acme["routes"].size() == admin["routes"].size());
  CHECK(acme["match"] == admin["match"]);
}

}  // namespace c4::test
