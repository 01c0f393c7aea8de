// GET /1.0/numbers/{number}, /1.0/sources and /1.0/capacity (api/calls/insight_views.h) over the
// examples' snapshot: the owner found as routing finds it, positions, live counters, and no
// object of a tenant the token does not cover.
#include <string>
#include <vector>

#include "api/calls/insight_views.h"
#include "api/routing/snapshot_data.h"
#include "routing_support.h"

namespace c4::api {
namespace {

using routing::test::examples;

TenantScope scope_of(const std::string& tenant) {
  for (const auto& t : examples().data().tenants)
    if (t.src->meta.name == tenant) return TenantScope{false, {t.src->uuid}};
  FAIL("no tenant " << tenant);
  return {};
}

nlohmann::json body_of(const HttpReply& reply) { return nlohmann::json::parse(reply.body); }

}  // namespace

TEST_CASE("number search finds the DID range that holds a number written with spaces, with its file and line") {
  HttpReply reply = number_owner_reply(examples(), nullptr, "+33 1 40 00 01 23", TenantScope::everything());
  REQUIRE(reply.status == 200);
  auto body = body_of(reply);
  CHECK(body["number"] == "+33140000123");
  CHECK(body["owner"]["did"]["name"] == "paris-hq-main");
  CHECK(body["owner"]["tenant"] == "acme");
  CHECK(body["owner"]["how"] == "range");
  CHECK(body["owner"]["entry"] == "+33140000000 – +33140000999");
  CHECK(body["owner"]["ipbx"]["name"] == "acme-paris-hq");
  CHECK(body["owner"]["file"].get<std::string>().find("paris-hq.yaml") != std::string::npos);
  CHECK(body["owner"]["line"].get<int>() > 1);
}

TEST_CASE("number search hides another tenant's DID behind the same 404 as an unclaimed number") {
  // lagoon's Roma block (examples/tenants/lagoon/dids/roma.yaml)
  const auto& d = examples().data();
  std::string lagoon_number;
  for (const auto& did : d.dids)
    if (did.src->meta.tenant == "lagoon" && !did.src->ranges.empty()) lagoon_number = did.src->ranges[0].from.to_string();
  REQUIRE_FALSE(lagoon_number.empty());
  CHECK(number_owner_reply(examples(), nullptr, lagoon_number, TenantScope::everything()).status == 200);
  HttpReply hidden = number_owner_reply(examples(), nullptr, lagoon_number, scope_of("acme"));
  HttpReply unclaimed = number_owner_reply(examples(), nullptr, "+999999999999", scope_of("acme"));
  CHECK(hidden.status == 404);
  CHECK(unclaimed.status == 404);
  CHECK(hidden.body.find("lagoon") == std::string::npos);
}

TEST_CASE("number search refuses text that is not a number, naming the parameter, with hostile bytes too") {
  for (const std::string& bad : std::vector<std::string>{"", "abc", "+33\r\n140", std::string("+33\0" "1", 5),
                                                   std::string(5000, '9'), "0140000123"}) {
    CAPTURE(bad.size());
    HttpReply reply = number_owner_reply(examples(), nullptr, bad, TenantScope::everything());
    CHECK(reply.status == 400);
    CHECK(body_of(reply)["error"]["message"].get<std::string>().find("path parameter number") != std::string::npos);
  }
}

TEST_CASE("sources give every visible object's manifest file and line and nothing of other tenants") {
  auto all = sources_json(examples(), nullptr, TenantScope::everything());
  auto acme = sources_json(examples(), nullptr, scope_of("acme"));
  bool found_trunk = false;
  for (const auto& item : all["items"])
    if (item["kind"] == "CarrierTrunk" && item["name"] == "orange-paris") {
      found_trunk = true;
      CHECK(item["file"].get<std::string>().find("tenants/acme/carriers/") != std::string::npos);
      CHECK(item["line"].get<int>() > 0);
    }
  CHECK(found_trunk);
  CHECK(acme["items"].size() < all["items"].size());
  for (const auto& item : acme["items"]) {
    CAPTURE(item.dump());
    CHECK(item["kind"] != "ApiToken");
    CHECK(item.dump().find("lagoon") == std::string::npos);
  }
}

TEST_CASE("capacity shows a trunk's and an IPBX's live calls per second and open channels against their limits") {
  routing::CapacityTracker tracker;
  const auto& d = examples().data();
  const routing::TrunkEntry* limited = nullptr;
  for (const auto& t : d.trunks)
    if (t.src->capacity.max_channels) limited = &t;
  REQUIRE(limited);
  auto now = std::chrono::system_clock::now();
  const routing::IpbxEntry* pbx = &d.ipbxs.front();
  tracker.record_call(routing::CapacityKey::trunk(limited->id), "call-1", now);
  tracker.record_call(routing::CapacityKey::trunk(limited->id), "call-2", now);
  tracker.release_call("call-2");
  for (const char* id : {"in-1", "in-2", "in-3"}) tracker.record_call(routing::CapacityKey::ipbx(pbx->id), id, now);
  auto body = capacity_json(examples(), nullptr, tracker, TenantScope::everything(), now);
  bool seen = false;
  for (const auto& t : body["trunks"])
    if (t["id"] == limited->id) {
      seen = true;
      CHECK(t["calls_per_second"] == 2);
      CHECK(t["open_channels"] == 1);
      CHECK(t["limits"]["max_channels"] == *limited->src->capacity.max_channels);
    }
  CHECK(seen);
  CHECK(body["ipbxs"].size() == d.ipbxs.size());
  bool pbx_seen = false;
  for (const auto& i : body["ipbxs"]) {
    if (i["id"] != pbx->id) {
      CHECK(i["open_channels"] == 0);  // the trunk's calls are on no IPBX, even one with its id
      continue;
    }
    pbx_seen = true;
    CHECK(i["calls_per_second"] == 3);
    CHECK(i["open_channels"] == 3);
    if (pbx->src->capacity.max_channels) CHECK(i["limits"]["max_channels"] == *pbx->src->capacity.max_channels);
  }
  CHECK(pbx_seen);
  auto acme = capacity_json(examples(), nullptr, tracker, scope_of("acme"), now);
  CHECK(acme.dump().find("lagoon") == std::string::npos);
  CHECK(acme["trunks"].size() < body["trunks"].size());
}

TEST_CASE("whoami says which tenants a token sees and whether it sees every tenant") {
  auto admin = whoami_json(examples(), TenantScope::everything());
  CHECK(admin["every_tenant"] == true);
  CHECK(admin["tenants"] == nlohmann::json::array({"acme", "lagoon"}));
  auto acme = whoami_json(examples(), scope_of("acme"));
  CHECK(acme["every_tenant"] == false);
  CHECK(acme["tenants"] == nlohmann::json::array({"acme"}));
}

TEST_CASE("a snapshot read from PostgreSQL takes its objects' places from the positions of the same revision") {
  // examples() was compiled from files; positions stand in for a snapshot without them here
  // only when the snapshot's own file is empty, so a made-up place must not replace a real one.
  SourcePositions positions = source_positions(examples().catalog(), 0);
  REQUIRE_FALSE(positions.by_object.empty());
  auto trunk = positions.by_object.at(source_key("CarrierTrunk", "acme", "orange-paris"));
  CHECK(trunk.file.find("tenants/acme/carriers/") != std::string::npos);
  CHECK(trunk.line > 0);
  positions.by_object[source_key("CarrierTrunk", "acme", "orange-paris")] = {"elsewhere.yaml", 99};
  const auto sources = sources_json(examples(), &positions, TenantScope::everything());  // alive for the loop
  for (const auto& item : sources["items"])
    if (item["name"] == "orange-paris") CHECK(item["file"] != "elsewhere.yaml");
}

}  // namespace c4::api
