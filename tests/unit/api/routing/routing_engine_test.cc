// The routing engine's choices: time windows and their time zones, weighted order, capacity,
// serial failover and what explain reports.
#include <random>
#include <thread>

#include "api/routing/window_clock.h"
#include "routing_support.h"

namespace c4::routing {
namespace {

using namespace c4::routing::test;
using Names = std::vector<std::string>;

ZonedWindow window(uint8_t days, const char* start, const char* end, const char* zone) {
  TimeWindow w;
  w.days = days;
  w.start_minute = *parse_hhmm(start);
  w.end_minute = *parse_hhmm(end);
  w.timezone = zone;
  auto z = ZonedWindow::compile(w);
  REQUIRE(z.is_ok());
  return *z;
}

constexpr uint8_t kWeekdays = 0x1f, kTuesday = 0x02, kAllDays = 0x7f;

}  // namespace

TEST_CASE("time windows are evaluated in their own time zone") {
  auto paris = window(kWeekdays, "08:00", "19:00", "Europe/Paris");
  auto new_york = window(kWeekdays, "08:00", "19:00", "America/New_York");
  // Tuesday 2026-12-01 07:30 UTC: 08:30 in Paris, 02:30 in New York.
  CHECK(paris.is_open(at("2026-12-01T07:30:00Z")));
  CHECK_FALSE(new_york.is_open(at("2026-12-01T07:30:00Z")));
  // 18:30 UTC: 19:30 in Paris (closed: end is exclusive), 13:30 in New York.
  CHECK_FALSE(paris.is_open(at("2026-12-01T18:30:00Z")));
  CHECK(new_york.is_open(at("2026-12-01T18:30:00Z")));
  // Summer time: 2026-07-07 06:30 UTC is 08:30 in Paris (UTC+2).
  CHECK(paris.is_open(at("2026-07-07T06:30:00Z")));
  CHECK_FALSE(paris.is_open(at("2026-07-07T05:30:00Z")));
  // Saturday is not a weekday.
  CHECK_FALSE(paris.is_open(at("2026-12-05T10:00:00Z")));
  CHECK(ZonedWindow::compile(TimeWindow{kAllDays, 0, 60, "Mars/Olympus", {}, {}}).status().message().find(
            "Mars/Olympus") != std::string::npos);
}

TEST_CASE("a window past midnight belongs to the day it starts on") {
  auto tuesday_night = window(kTuesday, "22:00", "06:00", "UTC");
  CHECK(tuesday_night.is_open(at("2026-12-01T23:00:00Z")));   // Tuesday 23:00
  CHECK(tuesday_night.is_open(at("2026-12-02T05:59:00Z")));   // Wednesday 05:59, still Tuesday's night
  CHECK_FALSE(tuesday_night.is_open(at("2026-12-02T06:00:00Z")));
  CHECK_FALSE(tuesday_night.is_open(at("2026-12-01T05:00:00Z")));  // Tuesday morning is Monday's night
  auto to_midnight = window(kAllDays, "20:00", "00:00", "UTC");
  CHECK(to_midnight.is_open(at("2026-12-01T23:59:00Z")));
  CHECK_FALSE(to_midnight.is_open(at("2026-12-02T00:00:00Z")));
  CHECK_FALSE(window(kAllDays, "10:00", "10:00", "UTC").is_open(at("2026-12-01T10:00:00Z")));
}

TEST_CASE("dated windows open only between their dates") {
  TimeWindow w;
  w.start_minute = 60;
  w.end_minute = 300;
  w.timezone = "Europe/Rome";
  w.from = w.until = CivilDate{2027, 1, 17};
  auto z = ZonedWindow::compile(w);
  REQUIRE(z.is_ok());
  CHECK(z->is_open(at("2027-01-17T02:00:00Z")));
  CHECK_FALSE(z->is_open(at("2027-01-16T02:00:00Z")));
  CHECK_FALSE(z->is_open(at("2027-01-18T02:00:00Z")));
}

TEST_CASE("equal-priority targets are ordered by weight") {
  std::mt19937_64 rng(42);
  RouteEnv env = env_at(kTueDay);
  env.random = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };
  constexpr int kCalls = 10000;
  int paris_first = 0;
  for (int i = 0; i < kCalls; ++i) {
    auto d = route(examples(), call("192.0.2.10", "0140000123", "0561234567"), env);
    REQUIRE(d.routes.size() == 3);
    auto names = targets(examples(), d);
    CHECK(names[2] == "voxbone-fr");  // priority 2 always after the two of priority 1
    paris_first += names[0] == "orange-paris";
  }
  // main-fr weighs orange-paris 60 and orange-lyon 40.
  CHECK(paris_first > kCalls * 57 / 100);
  CHECK(paris_first < kCalls * 63 / 100);
}

TEST_CASE("a trunk at capacity is skipped and the next target takes the call") {
  CapacityTracker capacity;
  RouteEnv env = env_at(kTueDay);
  env.capacity = &capacity;
  // Italy from Paris: voxbone-fr (50 calls/s) first, then orange-paris.
  for (int i = 0; i < 50; ++i) {
    auto r = call("192.0.2.10", "0140000123", "00390612345678");
    r.call_id = "fill-" + std::to_string(i);
    auto d = route(examples(), r, env);
    REQUIRE(targets(examples(), d) == Names{"voxbone-fr", "orange-paris"});
  }
  env.explain = true;
  auto full = route(examples(), call("192.0.2.10", "0140000123", "00390612345678"), env);
  CHECK(targets(examples(), full) == Names{"orange-paris"});
  bool reported = false;
  for (const auto& s : full.skipped)
    reported |= s.kind == "target" && s.name == "voxbone-fr" && s.reason.find("at capacity") == 0;
  CHECK(reported);
  // A second later the rate window has passed, but 50 channels are still open (limit 500): usable again.
  env.now += std::chrono::seconds(2);
  CHECK(targets(examples(), route(examples(), call("192.0.2.10", "0140000123", "00390612345678"), env)).front() ==
        "voxbone-fr");
}

TEST_CASE("open channels are released by the CDR or after the maximum age") {
  CapacityTracker capacity(std::chrono::seconds(60));
  Capacity limits;
  limits.max_channels = 2;
  auto t0 = at(kTueDay);
  const auto trunk = CapacityKey::trunk(7);
  capacity.record_call(trunk, "a", t0);
  capacity.record_call(trunk, "b", t0 + std::chrono::seconds(5));
  CHECK(capacity.at_capacity(trunk, limits, t0 + std::chrono::seconds(10)));
  capacity.release_call("a");
  CHECK(capacity.open_channels(trunk, t0 + std::chrono::seconds(10)) == 1);
  CHECK_FALSE(capacity.at_capacity(trunk, limits, t0 + std::chrono::seconds(10)));
  capacity.record_call(trunk, "c", t0 + std::chrono::seconds(20));
  CHECK(capacity.at_capacity(trunk, limits, t0 + std::chrono::seconds(30)));
  // "b" started at t0+5 and never sent a CDR: gone at t0+65.
  CHECK(capacity.open_channels(trunk, t0 + std::chrono::seconds(66)) == 1);
}

TEST_CASE("a trunk and an IPBX with the same id are counted apart") {
  CapacityTracker capacity;
  auto t0 = at(kTueDay);
  capacity.record_call(CapacityKey::trunk(3), "to-trunk", t0);
  capacity.record_call(CapacityKey::ipbx(3), "to-ipbx-1", t0);
  capacity.record_call(CapacityKey::ipbx(3), "to-ipbx-2", t0);
  CHECK(capacity.open_channels(CapacityKey::trunk(3), t0) == 1);
  CHECK(capacity.open_channels(CapacityKey::ipbx(3), t0) == 2);
  capacity.release_call("to-ipbx-1");
  CHECK(capacity.open_channels(CapacityKey::ipbx(3), t0) == 1);
  CHECK(capacity.open_channels(CapacityKey::trunk(3), t0) == 1);
  CHECK(capacity.calls_in_last_second(CapacityKey::ipbx(3), t0) == 2);
}

TEST_CASE("an IPBX at capacity gets no route with the reason, and its CDR frees a channel") {
  auto s = compile_yaml(c4::test::base_manifests() + R"(
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: small-pbx, tenant: acme}
spec: {host: small.acme.example, allowedSources: [192.0.2.20], capacity: {maxChannels: 2}}
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: small-numbers, tenant: acme}
spec: {ipbx: small-pbx, numbers: ["+33140000001", "+33140000002", "+33140000003"]}
)");
  REQUIRE(s);
  CapacityTracker capacity;
  RouteEnv env = env_at(kTueDay);
  env.capacity = &capacity;
  auto carrier_call = [](const std::string& number, const std::string& id) {
    auto r = call("203.0.113.10", "+33612345678", number);
    r.call_id = id;
    return r;
  };
  CHECK(targets(*s, route(*s, carrier_call("+33140000001", "first"), env)) == Names{"small-pbx"});
  CHECK(targets(*s, route(*s, carrier_call("+33140000002", "second"), env)) == Names{"small-pbx"});
  env.explain = true;
  auto full = route(*s, carrier_call("+33140000003", "third"), env);
  CHECK(full.routes.empty());
  CHECK(full.no_route == NoRoute::ipbx_at_capacity);
  CHECK(full.no_route_reason == "IPBX small-pbx is at capacity: 2 open channels, limit 2");
  bool reported = false;
  for (const auto& skipped : full.skipped)
    reported |= skipped.kind == "ipbx" && skipped.name == "small-pbx" && skipped.reason.find("at capacity") == 0;
  CHECK(reported);
  CHECK(rtjson(*s, full) == nlohmann::json{{"success", false}});
  // The CDR of the first call ends it: the third call now finds a channel.
  capacity.release_call("first");
  env.explain = false;
  CHECK(targets(*s, route(*s, carrier_call("+33140000003", "third"), env)) == Names{"small-pbx"});
}

TEST_CASE("an IPBX without a routing group gets no route for an off-net call, and says why") {
  auto s = compile_yaml(c4::test::base_manifests());  // pbx1, and acme has no routing group
  REQUIRE(s);
  auto d = route(*s, call("192.0.2.10", "+33140000123", "+33561234567"), env_at(kTueDay));
  CHECK(d.caller.kind == Caller::Kind::ipbx);
  CHECK(d.routes.empty());
  CHECK(d.no_route == NoRoute::no_routing_group);
  CHECK(d.no_route_reason == "IPBX pbx1 has no routing group");
  CHECK(std::string(no_route_code(d.no_route)) == "no_routing_group");
}

TEST_CASE("capacity counts stay exact under concurrent calls") {
  CapacityTracker capacity;
  RouteEnv env = env_at(kTueDay);
  env.capacity = &capacity;
  constexpr int kThreads = 8, kCallsEach = 5;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsEach; ++i) {
        auto r = call("192.0.2.10", "0140000123", "00390612345678");
        r.call_id = "c-" + std::to_string(t) + "-" + std::to_string(i);
        route(examples(), r, env);
      }
    });
  for (auto& th : threads) th.join();
  int64_t voxbone = 0;
  for (const auto& [key, id] : assign_ids(examples().catalog()))
    if (key.kind == Kind::CarrierTrunk && key.name == "voxbone-fr") voxbone = id;
  CHECK(capacity.open_channels(CapacityKey::trunk(voxbone), env.now) == kThreads * kCallsEach);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kCallsEach; ++i) capacity.release_call("c-" + std::to_string(t) + "-" + std::to_string(i));
  CHECK(capacity.open_channels(CapacityKey::trunk(voxbone), env.now) == 0);
}

TEST_CASE("failover gives every target in order and failover off gives one") {
  auto d = route(examples(), call("192.0.2.10", "0140000123", "0561234567"), env_at(kTueNight));
  CHECK(targets(examples(), d) == Names{"voxbone-fr", "orange-paris"});
  auto rt = rtjson(examples(), d);
  CHECK(rt["routing"] == "serial");
  CHECK(rt["routes"].size() == 2);
  CHECK(rt["routes"][1]["dst_uri"] == "sip:sbc-paris.orange.example:5060");
  auto no_failover = route(examples(), call("192.0.2.10", "0140000123", "0812345678"), env_at(kTueDay));
  CHECK(no_failover.routes.size() == 1);
}

TEST_CASE("explain lists the skipped rules with their reasons") {
  auto night = explain_call(examples(), call("192.0.2.10", "0188500042", "0561234567"), env_at(kTueNight));
  CHECK(night["match"]["kind"] == "rule");
  CHECK(night["match"]["name"] == "main-fr-night");
  CHECK(night["match"]["file"] == "tenants/acme/routing/main.yaml");
  std::map<std::string, std::string> reasons;
  for (const auto& s : night["skipped"]) reasons[s["name"]] = s["reason"];
  CHECK(reasons["main-callcenter-fr"].find("lower priority") == 0);
  CHECK(reasons["main-fr"].find("lower priority") == 0);
  CHECK(reasons["main-default"].find("lower priority") == 0);
  auto day = explain_call(examples(), call("192.0.2.10", "0140000123", "0561234567"), env_at(kTueDay));
  std::map<std::string, std::string> day_reasons;
  for (const auto& s : day["skipped"]) day_reasons[s["name"]] = s["reason"];
  CHECK(day_reasons["main-fr-night"].find("time window closed") == 0);
  CHECK(day_reasons["main-callcenter-fr"].find("caller prefix") == 0);
  auto mobile = explain_call(examples(), call("192.0.2.10", "0140000123", "0612345678"), env_at(kTueDay));
  CHECK(mobile["match"]["name"] == "main-fr-mobile");
  auto shorty = explain_call(examples(), call("192.0.2.10", "0140000123", "00123"), env_at(kTueDay));
  std::map<std::string, std::string> short_reasons;
  for (const auto& s : shorty["skipped"]) short_reasons[s["name"]] = s["reason"];
  CHECK(short_reasons["main-default"].find("length bounds") == 0);
  CHECK(shorty["rtjson"] == nlohmann::json{{"success", false}});
  CHECK(shorty["no_route_reason"].get<std::string>().find("no rule") == 0);
  // The normalization steps and the caller.
  CHECK(day["caller"]["name"] == "acme-paris-hq");
  CHECK(day["normalization"][0]["rule"] == "fr-national-to-e164");
  CHECK(day["numbers"]["callee"]["e164"] == "+33561234567");
}

TEST_CASE("explain never consumes capacity") {
  CapacityTracker capacity;
  RouteEnv env = env_at(kTueDay);
  env.capacity = &capacity;
  for (int i = 0; i < 100; ++i) explain_call(examples(), call("192.0.2.10", "0140000123", "00390612345678"), env);
  auto d = route(examples(), call("192.0.2.10", "0140000123", "00390612345678"), env);
  CHECK(targets(examples(), d).front() == "voxbone-fr");
}

TEST_CASE("an unknown caller gets no route and the reason") {
  auto d = route(examples(), call("192.0.2.250", "100", "0561234567"), env_at(kTueDay));
  CHECK(d.caller.kind == Caller::Kind::none);
  CHECK(d.routes.empty());
  CHECK(d.no_route_reason.find("caller not recognised") == 0);
  CHECK(rtjson(examples(), d) == nlohmann::json{{"success", false}});
}

TEST_CASE("compiled ids are deterministic and known ids are kept") {
  const Catalog& c = examples().catalog();
  auto ids = assign_ids(c);
  CHECK(ids.at(key_of(c.all<IPBX>()[0].meta)) == 1);
  CHECK(ids.at(key_of(c.all<IPBX>()[1].meta)) == 2);
  ObjectIds known{{key_of(c.all<IPBX>()[1].meta), 40}};
  auto kept = assign_ids(c, known);
  CHECK(kept.at(key_of(c.all<IPBX>()[1].meta)) == 40);
  CHECK(kept.at(key_of(c.all<IPBX>()[0].meta)) == 41);
  CHECK(assign_ids(c) == ids);
}

TEST_CASE("an unresolvable secret is a warning and the snapshot still routes") {
  SnapshotOptions options;
  options.resolve_secret = [](const SecretRef& ref) -> Result<std::string> {
    if (ref.value == "C4_SECRET_VOXBONE_PASSWORD") return Status::not_found("environment variable C4_SECRET_VOXBONE_PASSWORD is not set");
    return std::string("x");
  };
  auto files = read_manifest_tree(std::filesystem::path(C4_SOURCE_DIR) / "examples");
  REQUIRE(files.is_ok());
  auto s = compile_texts(*files, options);
  REQUIRE(s->warnings().size() == 1);
  CHECK(s->warnings()[0].find("acme/voxbone-fr") != std::string::npos);
  CHECK(s->warnings()[0].find("C4_SECRET_VOXBONE_PASSWORD is not set") != std::string::npos);
  auto d = route(*s, call("192.0.2.10", "0140000123", "00390612345678"), env_at(kTueDay));
  CHECK(targets(*s, d) == Names{"voxbone-fr", "orange-paris"});
  // No credentials for voxbone: those of the next target that has some.
  CHECK(rtjson(*s, d)["auth_username"] == "acme-paris");
}

}  // namespace c4::routing
