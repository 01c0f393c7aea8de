// /openapi.json is the contract: every route the server mounts is described, and every
// described operation is mounted.
#include <set>

#include "api/calls/call_handling.h"
#include "api/calls/reconciler_routes.h"
#include "model/schema_set.h"
#include "api/server/control_views.h"
#include "api/server/openapi.h"
#include "server_test_support.h"

namespace c4::test {
namespace {

// Owners whose routes this build does not mount (none: routing, CDRs and the webhook are all
// mounted below as `c4confd all` mounts them). Kept so a future optional part can be listed.
const std::set<std::string> kOwnersNotMountedInThisBuild = {};

}  // namespace

TEST_CASE("every mounted route is in the OpenAPI document and every documented operation is mounted") {
  auto options = service_options("postgresql://nobody@127.0.0.1:1/none");
  auto service = api::ApiService::create(options).value();
  auto calls = api::CallHandling::mount(*service, api::call_handling_options(options.database_url)).value();
  // What `c4confd all` adds: the webhook of a loop (never run here).
  ReconcileLoopConfig loop_config;
  loop_config.database_url = options.database_url;
  ReconcileLoop loop(loop_config, RevisionSource::open_directory(std::string(C4_SOURCE_DIR) + "/examples"),
                     SchemaSet::builtin().value());
  api::mount_reconciler_routes(service->server(), loop, WebhookConfig{});
  api::mount_control_views(service->server(), service->pool(), [&loop] { loop.trigger(); });
  std::set<std::pair<std::string, std::string>> mounted, documented;
  for (const auto& r : service->server().routes()) mounted.insert({r.method, r.pattern});
  for (const auto& op : api::openapi_operations()) {
    CAPTURE(op.path);
    CHECK_FALSE(op.owner.empty());
    if (kOwnersNotMountedInThisBuild.count(op.owner)) {
      CHECK_FALSE(mounted.count({op.method, op.path}));  // mounted now? then drop the owner above
      continue;
    }
    documented.insert({op.method, op.path});
  }
  for (const auto& m : mounted) {
    CAPTURE(m.first + " " + m.second);
    CHECK(documented.count(m));
  }
  for (const auto& d : documented) {
    CAPTURE(d.first + " " + d.second);
    CHECK(mounted.count(d));
  }
  CHECK(mounted.size() >= 30);
}

TEST_CASE("the OpenAPI document describes the Kamailio contract and CDR paths with schemas") {
  auto doc = nlohmann::json::parse(api::openapi_document());
  CHECK(doc["openapi"] == "3.0.3");
  for (const std::string path : {"/1.0/kamailio/routing", "/1.0/kamailio/auth", "/1.0/kamailio/cdr", "/1.0/routing/explain",
                                 "/hooks/git"}) {
    CAPTURE(path);
    REQUIRE(doc["paths"].contains(path));
    CHECK(doc["paths"][path]["post"].contains("requestBody"));
    CHECK(doc["paths"][path]["post"]["responses"].size() >= 2);
  }
  for (const std::string path : {"/1.0/kamailio/dbtext/uacreg", "/status", "/1.0/cdrs", "/1.0/cdrs/stats", "/1.0/cdrs.csv",
                                 "/metrics", "/openapi.json"}) {
    CAPTURE(path);
    REQUIRE(doc["paths"].contains(path));
    CHECK(doc["paths"][path].contains("get"));
  }
  std::set<std::string> cdr_params;
  for (const auto& p : doc["paths"]["/1.0/cdrs"]["get"]["parameters"])
    if (p.contains("name")) cdr_params.insert(p["name"]);
  CHECK(cdr_params == std::set<std::string>{"tenant", "from", "to", "call_id", "carrier_trunk_id", "ipbx_id", "caller_prefix",
                                            "callee_prefix", "limit", "after", "offset"});
  nlohmann::json group_by;
  for (const auto& p : doc["paths"]["/1.0/cdrs/stats"]["get"]["parameters"])
    if (p.value("name", "") == "group_by") group_by = p;
  CHECK(group_by["schema"]["enum"] == nlohmann::json::array({"none", "trunk", "ipbx", "hour", "day"}));
  // Every $ref points at something that exists.
  std::string text = doc.dump();
  for (size_t pos = 0; (pos = text.find("\"$ref\":\"#/", pos)) != std::string::npos; ++pos) {
    size_t start = pos + 9, end = text.find('"', start);
    std::string pointer = text.substr(start, end - start);
    CAPTURE(pointer);
    CHECK(doc.contains(nlohmann::json::json_pointer(pointer)));
  }
}

}  // namespace c4::test
