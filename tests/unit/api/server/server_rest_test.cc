// The read-only REST API over real HTTP, against a real PostgreSQL holding the examples.
#include "server_test_support.h"

#include "api/server/config_views.h"

namespace c4::test {

TEST_CASE("every kind lists its objects with items and total and gets each by id and by name") {
  ExamplesService s("c4test_srv_rest_kinds");
  for (const auto& kind : api::config_kind_paths()) {
    CAPTURE(kind);
    auto list = s.get("/1.0/" + kind);
    REQUIRE(list.status == 200);
    auto body = list.json();
    REQUIRE(body["items"].is_array());
    CHECK(body["total"].get<int>() == static_cast<int>(body["items"].size()));
    REQUIRE(body["total"].get<int>() > 0);
    for (const auto& item : body["items"]) {
      auto id = item["id"].get<int64_t>();
      auto one = s.get("/1.0/" + kind + "/" + std::to_string(id));
      REQUIRE(one.status == 200);
      CHECK(one.json() == item);
      std::string by_name = kind == "tenants" || kind == "api_tokens"
                                ? "/1.0/" + kind + "/by-name/" + item["name"].get<std::string>()
                                : "/1.0/" + kind + "/by-name/" + item["tenant"].get<std::string>() + "/" +
                                      item["name"].get<std::string>();
      auto named = s.get(by_name);
      REQUIRE(named.status == 200);
      CHECK(named.json()["id"] == id);
    }
  }
}

TEST_CASE("objects show ids of their references snake case spec fields and redacted secrets") {
  ExamplesService s("c4test_srv_rest_shapes");
  auto trunks = s.get("/1.0/carrier_trunks?tenant=acme").json();
  REQUIRE(trunks["total"].get<int>() == 3);
  auto carriers = s.get("/1.0/carriers?tenant=acme&name=orange").json();
  REQUIRE(carriers["total"] == 1);
  auto orange_id = carriers["items"][0]["id"];
  auto acme = s.get("/1.0/tenants/by-name/acme").json();
  int orange_trunks = 0;
  for (const auto& t : trunks["items"]) {
    CHECK(t["tenant_uuid"] == acme["uuid"]);
    CHECK(t["tenant"] == "acme");
    CHECK(t.contains("sip_proxy"));
    CHECK_FALSE(t.contains("sipProxy"));
    if (t["carrier_id"] == orange_id) orange_trunks++;
  }
  CHECK(orange_trunks == 2);
  // No password or hash ever leaves the server.
  for (const std::string kind : {"carrier_trunks", "ipbxs", "api_tokens"}) {
    std::string body = s.get("/1.0/" + kind).body;
    CHECK(body.find("sha256") == std::string::npos);
    size_t pos = 0;
    while ((pos = body.find("\"password\":", pos)) != std::string::npos) {
      CHECK(body.compare(pos, 24, "\"password\":\"<redacted>\"") == 0);
      pos += 11;
    }
  }
  auto tokens = s.get("/1.0/api_tokens/by-name/acme-portal").json();
  CHECK(tokens["tenant_uuids"] == nlohmann::json::array({acme["uuid"]}));
  auto dids = s.get("/1.0/dids?limit=1000").json();
  size_t numbers = 0;
  for (const auto& d : dids["items"]) {
    CHECK(d["numbers"].is_array());
    CHECK(d["ranges"].is_array());
    CHECK(d["prefixes"].is_array());
    numbers += d["numbers"].size() + d["ranges"].size() + d["prefixes"].size();
    CHECK(d["ipbx_id"].is_number_integer());
  }
  CHECK(numbers > 0);
}

TEST_CASE("lists filter by name tenant and labels and page with offset and limit") {
  ExamplesService s("c4test_srv_rest_filters");
  auto all = s.get("/1.0/routing_rules?limit=1000").json();
  int total = all["total"].get<int>();
  REQUIRE(total > 3);
  auto page = s.get("/1.0/routing_rules?offset=2&limit=2").json();
  CHECK(page["total"] == total);
  REQUIRE(page["items"].size() == 2);
  CHECK(page["items"][0]["id"] == all["items"][2]["id"]);
  CHECK(page["items"][1]["id"] == all["items"][3]["id"]);
  CHECK(s.get("/1.0/routing_rules?offset=100000").json()["items"].empty());

  auto acme = s.get("/1.0/tenants/by-name/acme").json();
  auto by_name = s.get("/1.0/ipbxs?tenant=acme").json();
  auto by_uuid = s.get("/1.0/ipbxs?tenant=" + acme["uuid"].get<std::string>()).json();
  CHECK(by_name == by_uuid);
  CHECK(by_name["total"] == 2);
  CHECK(s.get("/1.0/ipbxs?tenant=nobody").json()["total"] == 0);

  auto noc = s.get("/1.0/api_tokens?label=team=noc").json();
  REQUIRE(noc["total"] == 1);
  CHECK(noc["items"][0]["name"] == "noc-dashboard");
  CHECK(s.get("/1.0/api_tokens?label=team=noc&label=team=customer-portal").json()["total"] == 0);
  CHECK(s.get("/1.0/api_tokens?name=acme-portal").json()["total"] == 1);
}

TEST_CASE("malformed query parameters are a 400 naming the parameter") {
  ExamplesService s("c4test_srv_rest_badparams");
  struct Case {
    std::string query, parameter;
  };
  for (const auto& c : std::vector<Case>{{"limit=abc", "limit"},
                                         {"limit=0", "limit"},
                                         {"limit=1001", "limit"},
                                         {"limit=99999999999999999999", "limit"},
                                         {"offset=-1", "offset"},
                                         {"offset=1.5", "offset"},
                                         {"offset=1&offset=2", "offset"},
                                         {"label=novalue", "label"},
                                         {"label==x", "label"},
                                         {"colour=red", "colour"}}) {
    CAPTURE(c.query);
    auto r = s.get("/1.0/carriers?" + c.query);
    REQUIRE(r.status == 400);
    CHECK(error_code(r) == "invalid_input");
    CHECK(r.json()["error"]["details"]["field"] == c.parameter);
    CHECK(r.json()["error"]["details"]["in"] == "query");
    CHECK(r.json()["error"]["message"].get<std::string>().find(c.parameter) != std::string::npos);
  }
  for (const std::string bad : {"abc", "0", "-3", "1e3", "99999999999999999999"}) {
    auto r = s.get("/1.0/carriers/" + bad);
    CHECK(r.status == 400);
    CHECK(error_code(r) == "invalid_input");
    CHECK(r.json()["error"]["details"]["field"] == "id");
    CHECK(r.json()["error"]["details"]["in"] == "path");
  }
  // Bytes PostgreSQL cannot store are the caller's mistake, not a database outage.
  for (const std::string query : {"name=%ff", "tenant=%00", "label=k%3D%c3"}) {
    CAPTURE(query);
    auto r = s.get("/1.0/carriers?" + query);
    CHECK(r.status == 400);
    CHECK(error_code(r) == "invalid_input");
  }
  CHECK(s.get("/1.0/carriers/by-name/acme/%ff").status == 400);
  CHECK(s.get("/1.0/carriers/987654").status == 404);
  CHECK(error_code(s.get("/1.0/carriers/987654")) == "not_found");
}

TEST_CASE("writes on configuration paths are a 405 naming the Git repository") {
  ExamplesService s("c4test_srv_rest_writes");
  for (const std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
    for (const std::string path : {"/1.0/carriers", "/1.0/carriers/1", "/1.0/tenants/by-name/acme"}) {
      CAPTURE(method);
      CAPTURE(path);
      auto r = http_send(s.port(), method, path, "{}", kAdminToken);
      REQUIRE(r.status == 405);
      CHECK(error_code(r) == "method_not_allowed");
      CHECK(r.header("Allow") == "GET");
      CHECK(r.json()["error"]["message"].get<std::string>().find("https://git.example/acme/c4-config.git") !=
            std::string::npos);
    }
  }
}

TEST_CASE("unknown paths are a 404 JSON and oversized bodies a 413 JSON") {
  ExamplesService s("c4test_srv_rest_limits", [](api::ApiServiceOptions& o) { o.server.max_body_bytes = 4096; });
  auto missing = s.get("/1.0/no_such_kind");
  CHECK(missing.status == 404);
  CHECK(error_code(missing) == "not_found");
  CHECK(s.get("/nothing/here", "").status == 404);
  auto big = http_send(s.port(), "POST", "/1.0/carriers", std::string(5000, 'x'), kAdminToken);
  CHECK(big.status == 413);
  CHECK(error_code(big) == "body_too_large");
  CHECK(big.json()["error"]["details"]["limit"] == 4096);
  // Just under the limit reaches routing (and is refused for being a write).
  CHECK(http_send(s.port(), "POST", "/1.0/carriers", std::string(4000, 'x'), kAdminToken).status == 405);
}

TEST_CASE("revisions list newest first with keyset pagination and show the errors of failed ones") {
  ExamplesService s("c4test_srv_revisions");
  // A second, invalid revision: a trunk of an unknown carrier.
  std::ofstream(s.dir() / "broken.yaml") << "apiVersion: c4confd/v1\nkind: CarrierTrunk\n"
                                            "metadata: {name: ghost, tenant: acme}\nspec: {carrier: nobody, sipProxy: x.example}\n";
  auto revision = RevisionSource::open_directory(s.dir())->load();
  REQUIRE(revision.is_ok());
  auto failed = reconcile_revision(s.db().conn(), *revision, **SchemaSet::builtin(), {});
  REQUIRE_FALSE(failed.status.is_ok());

  auto page = s.get("/1.0/revisions?limit=1");
  REQUIRE(page.status == 200);
  auto body = page.json();
  CHECK(body["total"] == 2);
  REQUIRE(body["items"].size() == 1);
  auto newest = body["items"][0];
  CHECK(newest["result"] == "failed");
  CHECK(newest["failed_step"] == "validate");
  REQUIRE(newest["errors"].size() >= 1);
  CHECK(newest["errors"].dump().find("nobody") != std::string::npos);
  REQUIRE(body["next"].is_number());
  auto second = s.get("/1.0/revisions?limit=1&before=" + std::to_string(body["next"].get<int64_t>())).json();
  REQUIRE(second["items"].size() == 1);
  CHECK(second["items"][0]["result"] == "applied");
  CHECK(second["next"].is_null());
  auto one = s.get("/1.0/revisions/" + std::to_string(newest["id"].get<int64_t>())).json();
  // The single view adds what the revision changed (nothing, for a failed one); the rest is the list's item.
  CHECK(one["changes"] == nlohmann::json::array());
  CHECK(one["changes_total"] == 0);
  one.erase("changes");
  one.erase("changes_total");
  CHECK(one == newest);
  CHECK(s.get("/1.0/revisions/424242").status == 404);
  CHECK(s.get("/1.0/revisions?before=x").status == 400);
  CHECK(s.get("/1.0/revisions?result=odd").status == 400);
  CHECK(s.get("/1.0/revisions?result=failed").json()["total"] == 1);
}

TEST_CASE("status shows the reconciler row and this process's snapshot revision") {
  ExamplesService s("c4test_srv_status");
  auto r = s.get("/1.0/status");
  REQUIRE(r.status == 200);
  auto body = r.json();
  CHECK(body["snapshot"]["ready"] == true);
  CHECK(body["snapshot"]["revision"] ==
        std::to_string(body["live_revision_id"].get<int64_t>()) + ":" + body["live_commit"].get<std::string>());
  CHECK(body["snapshot"]["snapshots"][0]["name"] == "access");
  CHECK(body["snapshot"]["snapshots"][0]["revision"] == body["snapshot"]["revision"]);
  CHECK(body["snapshot"]["age_seconds"].is_number());
  CHECK(body["last_attempt"]["result"] == "applied");
  CHECK(s.get("/status", "").status == 204);
}

TEST_CASE("metrics count the requests served per route and status") {
  ExamplesService s("c4test_srv_metrics");
  for (int i = 0; i < 7; ++i) REQUIRE(s.get("/1.0/carriers").status == 200);
  for (int i = 0; i < 3; ++i) REQUIRE(s.get("/1.0/carriers/999999").status == 404);
  REQUIRE(s.get("/1.0/carriers", "").status == 401);
  auto metrics = http_get(s.port(), "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.header("Content-Type").find("text/plain") == 0);
  const std::string& text = metrics.body;
  CHECK(text.find("c4confd_http_requests_total{route=\"/1.0/carriers\",method=\"GET\",status=\"200\"} 7\n") != std::string::npos);
  CHECK(text.find("c4confd_http_requests_total{route=\"/1.0/carriers\",method=\"GET\",status=\"401\"} 1\n") != std::string::npos);
  CHECK(text.find("c4confd_http_requests_total{route=\"/1.0/carriers/{id}\",method=\"GET\",status=\"404\"} 3\n") != std::string::npos);
  CHECK(text.find("c4confd_http_request_duration_seconds_count{route=\"/1.0/carriers\",method=\"GET\"} 8\n") != std::string::npos);
  CHECK(text.find("c4confd_snapshot_revision_info{snapshot=\"access\",revision=\"") != std::string::npos);
  CHECK(text.find("c4confd_snapshot_reload_failures_total{snapshot=\"access\"} 0\n") != std::string::npos);
  CHECK(text.find("c4confd_snapshot_age_seconds ") != std::string::npos);
  CHECK(text.find("c4confd_build_info{version=\"test\"} 1\n") != std::string::npos);
}

}  // namespace c4::test
