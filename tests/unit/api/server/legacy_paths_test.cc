// The old service's REST paths over real HTTP: each hyphenated path answers exactly as its
// current twin (read-only, old list shape, tenant scoping), and tenants are read by UUID.
#include "api/server/legacy_views.h"
#include "server_test_support.h"

namespace c4::test {

TEST_CASE("every old hyphenated path answers exactly as its current path") {
  ExamplesService s("c4test_legacy_paths");
  for (const auto& [old_path, kind] : api::legacy_config_paths()) {
    const std::string path = old_path;  // a copy: clang 14 lets no lambda take a binding
    CAPTURE(path);
    for (const std::string& token : {kAdminToken, kAcmeToken}) {
      auto current = s.get("/1.0/" + kind + "?limit=1000", token);
      auto old = s.get(old_path + "?limit=1000", token);
      REQUIRE(old.status == 200);
      CHECK(old.json() == current.json());
      CHECK(old.json()["total"].get<int>() == static_cast<int>(old.json()["items"].size()));
    }
    auto all = s.get("/1.0/" + kind).json();
    REQUIRE(all["total"].get<int>() > 0);
    for (const auto& item : all["items"]) {
      std::string id = std::to_string(item["id"].get<int64_t>());
      auto one = s.get(old_path + "/" + id);
      REQUIRE(one.status == 200);
      CHECK(one.json() == item);
    }
    auto page = s.get(old_path + "?offset=1&limit=1").json();
    CHECK(page["items"].size() == (all["total"].get<int>() > 1 ? 1u : 0u));
    CHECK(page["total"] == all["total"]);
    CHECK(s.get(old_path + "/abc").status == 400);
    CHECK(s.get(old_path + "/987654").status == 404);
    CHECK(s.get(old_path, "").status == 401);
    // Read-only, like the current paths: writes belong in the repository.
    auto write = http_send(s.port(), "POST", old_path, "{}", kAdminToken);
    CHECK(write.status == 405);
    CHECK(write.header("Allow") == "GET");
    CHECK(write.json()["error"]["message"].get<std::string>().find("https://git.example/acme/c4-config.git") !=
          std::string::npos);
  }
}

TEST_CASE("an old path hides another tenant's objects as the current one does") {
  ExamplesService s("c4test_legacy_scope");
  auto lagoon = s.get("/1.0/ipbxs?tenant=lagoon").json();
  REQUIRE(lagoon["total"].get<int>() > 0);
  std::string id = std::to_string(lagoon["items"][0]["id"].get<int64_t>());
  CHECK(s.get("/1.0/ipbx/" + id, kAcmeToken).status == 404);
  CHECK(s.get("/1.0/ipbx/" + id, kLagoonToken).status == 200);
  nlohmann::json acme_list = s.get("/1.0/ipbx", kAcmeToken).json();
  REQUIRE(acme_list["total"].get<int>() > 0);
  for (const auto& item : acme_list["items"]) CHECK(item["tenant"] == "acme");
}

TEST_CASE("a tenant is read by its UUID as the old service keyed it") {
  ExamplesService s("c4test_legacy_tenant_uuid");
  auto acme = s.get("/1.0/tenants/by-name/acme").json();
  std::string uuid = acme["uuid"];
  auto by_uuid = s.get("/1.0/tenants/" + uuid);
  REQUIRE(by_uuid.status == 200);
  CHECK(by_uuid.json() == acme);
  std::string upper = uuid;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(s.get("/1.0/tenants/" + upper).json() == acme);
  CHECK(s.get("/1.0/tenants/" + uuid, kAcmeToken).status == 200);
  std::string lagoon = s.get("/1.0/tenants/by-name/lagoon").json()["uuid"];
  CHECK(s.get("/1.0/tenants/" + lagoon, kAcmeToken).status == 404);
  CHECK(s.get("/1.0/tenants/00000000-0000-4000-8000-000000000000").status == 404);
  auto bad = s.get("/1.0/tenants/not-a-uuid");
  CHECK(bad.status == 400);
  CHECK(bad.json()["error"]["details"]["field"] == "id");
}

}  // namespace c4::test
