// The wiring of the API process that needs no network.
#include <doctest/doctest.h>

#include "api/server/api_service.h"

namespace c4::api {

TEST_CASE("the 405 message of a configuration path names the repository or says the configuration repository") {
  auto named = config_write_message("/1.0/dids/12", "ssh://git@git.example/noc/c4.git");
  CHECK(named.find("ssh://git@git.example/noc/c4.git") != std::string::npos);
  CHECK(config_write_message("/1.0/tenants", "").find("the configuration repository") != std::string::npos);
  CHECK(config_write_message("/1.0/routing_rules/by-name/acme/r1", "").find("read-only") != std::string::npos);
  // Paths that are not configuration get the server's generic message.
  CHECK(config_write_message("/1.0/didsx", "u").empty());
  CHECK(config_write_message("/1.0/kamailio/routing", "u").empty());
  CHECK(config_write_message("/status", "u").empty());
}

TEST_CASE("an api service mounts its routes once and a second mount of the same route is refused") {
  ApiServiceOptions options;
  options.database_url = "postgresql://nobody@127.0.0.1:1/none";
  auto service = ApiService::create(options);
  REQUIRE(service.is_ok());
  auto& server = (*service)->server();
  // 3 per kind × 10, revisions × 2, /1.0/status, /status, /metrics, /openapi.json, /ui, /ui/, /ui/{file},
  // and the old service's 5 hyphenated paths × 2 (list, by id)
  CHECK(server.routes().size() == 49);
  CHECK_THROWS_AS(server.mount("GET", "/status", Access::open, [](const ApiRequest&) { return HttpReply{}; }),
                  std::invalid_argument);
  server.mount("POST", "/1.0/kamailio/routing", Access::kamailio, [](const ApiRequest&) { return HttpReply{}; }, kHotRoute);
  CHECK(server.routes().back().flags.hot);
  CHECK(server.routes().back().access == Access::kamailio);
}

}  // namespace c4::api
