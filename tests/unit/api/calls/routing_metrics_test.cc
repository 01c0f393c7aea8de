// The routing-outcome metrics (api/calls/routing_metrics.h, api/server/object_counters.h):
// exact counts after a set of routing requests on the examples, counts carried across a
// snapshot swap, and label values from hostile object names.
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/calls/routing_metrics.h"
#include "api/routing/kamailio.h"
#include "api/routing/snapshot_data.h"
#include "routing_support.h"

namespace c4::api {
namespace {

using namespace c4::routing::test;
using routing::NoRoute;

std::string body(const std::string& source_ip, const std::string& from_uri, const std::string& to_uri,
                 const std::string& call_id) {
  return nlohmann::json{{"source_ip", source_ip}, {"source_port", 5060}, {"from_uri", from_uri},
                        {"to_uri", to_uri}, {"call_id", call_id}}.dump();
}

// The metrics and tables of the examples and a capacity tracker, as the routing handler holds
// them; ask() routes one Kamailio request at kTueDay through routing_reply (with capacity
// enforced unless told otherwise) and counts it as the server counts it. Thread-safe.
struct CountedRouting {
  RoutingMetrics metrics;
  std::shared_ptr<const RoutingMetrics::Tables> tables = RoutingMetrics::tables_for(examples(), nullptr);
  routing::CapacityTracker capacity;
  bool enforce_capacity = true;

  int ask(const std::string& text) {
    routing::RouteEnv env = env_at(kTueDay);
    if (enforce_capacity) env.capacity = &capacity;
    env.observer = tables.get();
    routing::RouteDecision decision;
    HttpReply reply = routing::routing_reply(examples(), text, env, &decision);
    if (reply.status == 400) metrics.count(RoutingMetrics::Outcome::invalid_request);
    else metrics.count(decision, *tables);
    return reply.status;
  }
};

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

// The value a Prometheus label value stands for (the text format's three escapes).
std::string unescape_label(const std::string& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\') {
      out += v[i];
      continue;
    }
    char next = v.at(++i);
    out += next == 'n' ? '\n' : next;
  }
  return out;
}

}  // namespace

TEST_CASE("routing metrics count every outcome, no-route reason, selection and capacity skip exactly") {
  CountedRouting counted;
  // Italy from the Paris PBX: voxbone-fr (50 calls/s) first, then orange-paris (30 calls/s);
  // the 81st call in the same second finds both full.
  for (int i = 0; i < 81; ++i)
    CHECK(counted.ask(body("192.0.2.10", "sip:0140000123@paris.acme.example.com",
                           "sip:00390612345678@c4.example", "italy-" + std::to_string(i))) == 200);
  // A carrier call to a DID range: the Paris PBX.
  CHECK(counted.ask(body("203.0.113.10", "sip:0612345678@orange.example", "sip:0140000123@c4.example", "in-1")) == 200);
  CHECK(counted.ask(body("192.0.2.250", "sip:100@x.example", "sip:0561234567@c4.example", "unknown")) == 200);
  CHECK(counted.ask(body("203.0.113.10", "sip:0612345678@orange.example", "sip:0472100542@c4.example", "nodid")) == 200);
  CHECK(counted.ask(body("203.0.113.10", "sip:0612345678@orange.example", "sip:help@c4.example", "alpha")) == 200);
  CHECK(counted.ask(body("192.0.2.10", "sip:0140000123@paris.acme.example.com", "sip:00123@c4.example", "short")) == 200);
  CHECK(counted.ask(body("192.0.2.10", "sip:0140000123@paris.acme.example.com", "nonsense", "to")) == 200);
  CHECK(counted.ask(body("192.0.2.10", "nonsense", "sip:0561234567@c4.example", "from")) == 200);
  CHECK(counted.ask("{\"from_uri\": ") == 400);
  CHECK(counted.ask("{\"to_uri\": \"sip:1@x\"}") == 400);
  counted.metrics.count(RoutingMetrics::Outcome::not_ready);

  std::string text = "\n" + counted.metrics.render(counted.tables.get(), 3);
  CHECK(has_line(text, "c4confd_routing_requests_total{outcome=\"routed\"} 81"));
  CHECK(has_line(text, "c4confd_routing_requests_total{outcome=\"no_route\"} 7"));
  CHECK(has_line(text, "c4confd_routing_requests_total{outcome=\"refused_auth\"} 3"));
  CHECK(has_line(text, "c4confd_routing_requests_total{outcome=\"invalid_request\"} 2"));
  CHECK(has_line(text, "c4confd_routing_requests_total{outcome=\"not_ready\"} 1"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"caller_unknown\"} 1"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"invalid_to_uri\"} 1"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"invalid_from_uri\"} 1"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"callee_not_e164\"} 1"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"no_did\"} 1"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"no_routing_group\"} 0"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"no_rule\"} 1"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"targets_at_capacity\"} 1"));
  CHECK(has_line(text, "c4confd_routing_trunk_selections_total{tenant=\"acme\",trunk=\"voxbone-fr\"} 50"));
  CHECK(has_line(text, "c4confd_routing_trunk_selections_total{tenant=\"acme\",trunk=\"orange-paris\"} 30"));
  CHECK(has_line(text, "c4confd_routing_trunk_selections_total{tenant=\"acme\",trunk=\"orange-lyon\"} 0"));
  CHECK(has_line(text, "c4confd_routing_ipbx_selections_total{tenant=\"acme\",ipbx=\"acme-paris-hq\"} 1"));
  CHECK(has_line(text, "c4confd_routing_ipbx_selections_total{tenant=\"lagoon\",ipbx=\"lagoon-roma\"} 0"));
  // Calls 51 to 81 skipped voxbone-fr; the 81st also skipped orange-paris.
  CHECK(has_line(text, "c4confd_routing_capacity_skips_total{tenant=\"acme\",trunk=\"voxbone-fr\"} 31"));
  CHECK(has_line(text, "c4confd_routing_capacity_skips_total{tenant=\"acme\",trunk=\"orange-paris\"} 1"));
  CHECK(has_line(text, "# TYPE c4confd_routing_capacity_skips_total counter"));
  // One series per object of the snapshot, and never a number or an address as a label.
  const auto& d = examples().data();
  size_t selections = 0;
  for (size_t at = 0; (at = text.find("\nc4confd_routing_trunk_selections_total{", at + 1)) != std::string::npos;) ++selections;
  CHECK(selections == d.trunks.size());
  CHECK(text.find("0140000123") == std::string::npos);
  CHECK(text.find("192.0.2.") == std::string::npos);
}

TEST_CASE("a call to an IPBX at capacity is counted as ipbx_at_capacity and as a skip of that IPBX") {
  CountedRouting counted;
  // Orange delivers 21 calls in one second to the Paris PBX (acme-paris-hq: 20 calls/s).
  for (int i = 0; i < 21; ++i)
    CHECK(counted.ask(body("203.0.113.10", "sip:0612345678@orange.example", "sip:0140000123@c4.example",
                           "in-" + std::to_string(i))) == 200);
  std::string text = "\n" + counted.metrics.render(counted.tables.get(), 0);
  CHECK(has_line(text, "c4confd_routing_requests_total{outcome=\"routed\"} 20"));
  CHECK(has_line(text, "c4confd_routing_no_route_total{reason=\"ipbx_at_capacity\"} 1"));
  CHECK(has_line(text, "c4confd_routing_ipbx_selections_total{tenant=\"acme\",ipbx=\"acme-paris-hq\"} 20"));
  CHECK(has_line(text, "c4confd_routing_ipbx_capacity_skips_total{tenant=\"acme\",ipbx=\"acme-paris-hq\"} 1"));
  CHECK(has_line(text, "c4confd_routing_ipbx_capacity_skips_total{tenant=\"acme\",ipbx=\"acme-lyon\"} 0"));
  CHECK(has_line(text, "# TYPE c4confd_routing_ipbx_capacity_skips_total counter"));
}

TEST_CASE("routing metrics render before the first snapshot with every reason at zero") {
  RoutingMetrics metrics;
  std::string text = "\n" + metrics.render(nullptr, 0);
  for (size_t i = 1; i < routing::kNoRouteCount; ++i)
    CHECK(has_line(text, std::string("c4confd_routing_no_route_total{reason=\"") +
                             routing::no_route_code(static_cast<NoRoute>(i)) + "\"} 0"));
  CHECK(text.find("c4confd_routing_trunk_selections_total{") == std::string::npos);
  CHECK(has_line(text, "# TYPE c4confd_routing_trunk_selections_total counter"));
}

TEST_CASE("object counters carry counts across a snapshot swap and drop objects that left") {
  auto first = ObjectCounters::build({{"acme", "orange"}, {"acme", "voxbone"}, {"lagoon", "orange"}}, nullptr);
  first->add(0, 5);
  first->add(1, 2);
  first->add(2, 7);
  // voxbone leaves; acme/orange stays; lagoon/orange is another object than acme/orange.
  auto second = ObjectCounters::build({{"lagoon", "orange"}, {"acme", "orange"}, {"acme", "new"}}, first.get());
  CHECK(second->value_of("acme", "orange") == 5);
  CHECK(second->value_of("lagoon", "orange") == 7);
  CHECK(second->value_of("acme", "new") == 0);
  // A request still counting on the old table is not lost: the cell is shared.
  first->add(0);
  CHECK(second->value_of("acme", "orange") == 6);
  std::string text;
  second->render(text, "m", "trunk");
  CHECK(text == "m{tenant=\"lagoon\",trunk=\"orange\"} 7\nm{tenant=\"acme\",trunk=\"orange\"} 6\n"
                "m{tenant=\"acme\",trunk=\"new\"} 0\n");
  // A key given twice shares its counter and is rendered once.
  auto twice = ObjectCounters::build({{"a", "x"}, {"a", "x"}}, nullptr);
  twice->add(0);
  twice->add(1);
  std::string once;
  twice->render(once, "m", "ipbx");
  CHECK(once == "m{tenant=\"a\",ipbx=\"x\"} 2\n");
}

TEST_CASE("object counter labels escape hostile names so every line parses back to the name") {
  // Names are schema-checked in manifests, but a snapshot loaded from PostgreSQL reads rows as
  // they are: a hand edit can hold anything.
  std::vector<CounterKey> keys = {{"t\"1", "a\"b"},       {"t\\", "back\\slash\\"}, {"new\nline", "x\ny\n"},
                                  {"cr", "a\rb"},         {"tab", "a\tb"},           {"brace", "}{=,\"} 9"},
                                  {"bytes", "\xff\xfe"},  {"utf8", "caf\xc3\xa9"},   {"", ""}};
  auto table = ObjectCounters::build(keys, nullptr);
  for (size_t i = 0; i < keys.size(); ++i) table->add(i, i + 1);
  std::string text;
  table->render(text, "c4confd_routing_trunk_selections_total", "trunk");
  // The text format: name{label="value",...} number, where a value is "(\\.|[^"\\\n])*".
  const std::regex line(R"re(c4confd_routing_trunk_selections_total\{tenant="((?:\\.|[^"\\\n])*)",trunk="((?:\\.|[^"\\\n])*)"\} (\d+))re");
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  REQUIRE(lines.size() == keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_match(lines[i], m, line), lines[i]);
    std::string want_tenant = keys[i].tenant, want_name = keys[i].name;
    if (i == 6) want_name = "\\xff\\xfe";  // not UTF-8: the bytes are named, as text
    CHECK(unescape_label(m[1]) == want_tenant);
    CHECK(unescape_label(m[2]) == want_name);
    CHECK(m[3] == std::to_string(i + 1));
  }
}

TEST_CASE("routing metrics counted from many threads lose no call") {
  CountedRouting counted;
  counted.enforce_capacity = false;  // 2,000 calls in one second: more than the PBX's limit
  const std::string inbound = body("203.0.113.10", "sip:0612345678@orange.example", "sip:0140000123@c4.example", "in");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) counted.ask(inbound);
    });
  for (auto& th : threads) th.join();
  CHECK(counted.metrics.outcome_count(RoutingMetrics::Outcome::routed) == 2000);
  CHECK(counted.tables->ipbx_selections->value_of("acme", "acme-paris-hq") == 2000);
}

}  // namespace c4::api
