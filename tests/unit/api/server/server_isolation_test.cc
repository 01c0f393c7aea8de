// Tenant isolation over real HTTP: for every kind, a token of one tenant never sees another
// tenant's rows, in lists, by id or by name; the admin token sees everything; tokens are
// required.
#include "server_test_support.h"

#include "api/server/config_views.h"

namespace c4::test {
namespace {

// The tenant UUIDs an object belongs to (its tenant, a tenant's own uuid, a token's tenants).
std::set<std::string> owners(const std::string& kind, const nlohmann::json& item) {
  if (kind == "tenants") return {item["uuid"].get<std::string>()};
  if (kind == "api_tokens") return item["tenant_uuids"].get<std::set<std::string>>();
  return {item["tenant_uuid"].get<std::string>()};
}

std::string by_name_path(const std::string& kind, const nlohmann::json& item) {
  if (kind == "tenants" || kind == "api_tokens") return "/1.0/" + kind + "/by-name/" + item["name"].get<std::string>();
  return "/1.0/" + kind + "/by-name/" + item["tenant_uuid"].get<std::string>() + "/" + item["name"].get<std::string>();
}

}  // namespace

TEST_CASE("a tenant token never sees another tenant's objects of any kind") {
  ExamplesService s("c4test_srv_isolation");
  std::string acme = s.get("/1.0/tenants/by-name/acme").json()["uuid"];
  std::string lagoon = s.get("/1.0/tenants/by-name/lagoon").json()["uuid"];
  struct Viewer {
    std::string token, tenant;
  };
  for (const auto& kind : api::config_kind_paths()) {
    auto everything = s.get("/1.0/" + kind + "?limit=1000").json();
    for (const Viewer& viewer : {Viewer{kAcmeToken, acme}, Viewer{kLagoonToken, lagoon}}) {
      CAPTURE(kind);
      CAPTURE(viewer.tenant);
      auto list = s.get("/1.0/" + kind + "?limit=1000", viewer.token);
      REQUIRE(list.status == 200);
      auto items = list.json()["items"];
      CHECK(list.json()["total"] == items.size());
      CHECK_FALSE(items.empty());
      for (const auto& item : items) CHECK(owners(kind, item) == std::set<std::string>{viewer.tenant});
      size_t own = 0;
      for (const auto& item : everything["items"]) {
        bool mine = owners(kind, item) == std::set<std::string>{viewer.tenant};
        own += mine;
        std::string id_path = "/1.0/" + kind + "/" + std::to_string(item["id"].get<int64_t>());
        auto by_id = s.get(id_path, viewer.token);
        auto by_name = s.get(by_name_path(kind, item), viewer.token);
        auto filtered = s.get("/1.0/" + kind + "?name=" + item["name"].get<std::string>(), viewer.token).json();
        if (mine) {
          CHECK(by_id.status == 200);
          CHECK(by_name.status == 200);
          CHECK(filtered["total"] == 1);
        } else {
          CAPTURE(id_path);
          // 404, not 403: an id of another tenant does not even reveal that it exists.
          CHECK(by_id.status == 404);
          CHECK(by_name.status == 404);
          CHECK(error_code(by_id) == "not_found");
          CHECK(filtered["total"] == 0);
        }
      }
      CHECK(own == items.size());
      // Filtering on the other tenant finds nothing rather than its rows.
      std::string other = viewer.tenant == acme ? "lagoon" : "acme";
      CHECK(s.get("/1.0/" + kind + "?tenant=" + other, viewer.token).json()["total"] == 0);
    }
  }
}

TEST_CASE("the admin token and a token of every tenant see every object") {
  ExamplesService s("c4test_srv_isolation_admin");
  for (const auto& kind : api::config_kind_paths()) {
    CAPTURE(kind);
    auto admin = s.get("/1.0/" + kind + "?limit=1000", kAdminToken).json();
    std::set<std::string> tenants;
    for (const auto& item : admin["items"])
      for (const auto& t : owners(kind, item)) tenants.insert(t);
    CHECK(tenants.size() == 2);
    auto noc = s.get("/1.0/" + kind + "?limit=1000", kNocToken).json();
    if (kind == "api_tokens") {
      CHECK(noc["total"] == admin["total"]);  // noc covers both tenants: it sees every token
    } else {
      CHECK(noc == admin);
    }
  }
}

TEST_CASE("missing and unknown tokens are a 401 with WWW-Authenticate and fleet paths refuse a one tenant token") {
  ExamplesService s("c4test_srv_isolation_auth");
  for (const std::string path : {"/1.0/carriers", "/1.0/carriers/1", "/1.0/tenants/by-name/acme", "/1.0/revisions"}) {
    CAPTURE(path);
    auto none = s.get(path, "");
    CHECK(none.status == 401);
    CHECK(error_code(none) == "unauthorized");
    CHECK(none.header("WWW-Authenticate").find("Bearer") == 0);
    auto unknown = s.get(path, "c4demo-acme-3e9d41b07fa2c659");
    CHECK(unknown.status == 401);
    CHECK(s.get(path, kKamailioToken).status == 403);
  }
  auto revisions = s.get("/1.0/revisions", kAcmeToken);
  CHECK(revisions.status == 403);
  CHECK(error_code(revisions) == "forbidden");
  CHECK(s.get("/1.0/status", kAcmeToken).status == 403);
  CHECK(s.get("/1.0/revisions", kNocToken).status == 200);
  CHECK(s.get("/1.0/status", kNocToken).status == 200);
  // Open paths need nothing.
  CHECK(s.get("/status", "").status == 204);
  CHECK(s.get("/metrics", "").status == 200);
  CHECK(s.get("/openapi.json", "").status == 200);
}

}  // namespace c4::test
