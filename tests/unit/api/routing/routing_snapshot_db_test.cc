// load_snapshot against the real PostgreSQL of `./c4 test`: the examples applied, then read
// back, decoded and compiled, route like the manifests with the database's ids.
#include <cstdlib>

#include "api/routing/kamailio.h"
#include "store/database.h"
#include "store/migrations.h"
#include "reconciler/reconcile_pass.h"
#include "routing_support.h"

namespace c4::routing {

TEST_CASE("a snapshot loaded from PostgreSQL routes with the database ids") {
  const char* url = std::getenv("C4CONFD_DATABASE_URL");
  REQUIRE_MESSAGE(url, "C4CONFD_DATABASE_URL is not set: run the tests through ./c4 test");
  std::string base(url);
  auto admin = std::move(connect_database(base).value());
  const std::string name = "c4test_routing_snapshot";
  pqxx::nontransaction(*admin).exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  pqxx::nontransaction(*admin).exec("CREATE DATABASE " + name);
  {
    auto conn = std::move(connect_database(base.substr(0, base.rfind('/') + 1) + name).value());
    REQUIRE(migrate(*conn).is_ok());
    auto revision = RevisionSource::open_directory(std::filesystem::path(C4_SOURCE_DIR) / "examples")->load();
    REQUIRE(revision.is_ok());
    auto outcome = reconcile_revision(*conn, *revision, **SchemaSet::builtin(), {});
    REQUIRE_MESSAGE(outcome.status.is_ok(), outcome.status.message());

    SnapshotOptions options;
    options.resolve_secret = test::fake_secret;
    auto snapshot = load_snapshot(*conn, options);
    REQUIRE_MESSAGE(snapshot.is_ok(), snapshot.status().message());
    CHECK((*snapshot)->revision() == std::to_string(*outcome.revision_id));
    CHECK(nlohmann::json((*snapshot)->counts()) == nlohmann::json(test::examples().counts()));
    CHECK((*snapshot)->warnings().empty());

    int64_t paris_id = 0, voxbone_id = 0;
    {
      pqxx::read_transaction txn(*conn);
      paris_id = txn.exec1("SELECT id FROM ipbxs WHERE name = 'acme-paris-hq'")[0].as<int64_t>();
      voxbone_id = txn.exec1("SELECT id FROM carrier_trunks WHERE name = 'voxbone-fr'")[0].as<int64_t>();
    }
    auto inbound = route(**snapshot, test::call("203.0.113.10", "0612345678", "0140000123"), test::env_at(test::kTueDay));
    REQUIRE(inbound.routes.size() == 1);
    CHECK(target_id(**snapshot, inbound.routes[0]) == paris_id);
    auto outbound = route(**snapshot, test::call("192.0.2.10", "0140000123", "00390612345678"), test::env_at(test::kTueDay));
    CHECK(test::targets(**snapshot, outbound) == std::vector<std::string>{"voxbone-fr", "orange-paris"});
    CHECK(target_id(**snapshot, outbound.routes[0]) == voxbone_id);
    CHECK(rtjson(**snapshot, outbound) == rtjson(test::examples(), outbound));
    auto auth = nlohmann::json::parse(auth_reply(**snapshot, R"({"source_ip": "192.0.2.10"})").body);
    CHECK(auth["ipbx_id"] == paris_id);
    // The helpdesk regex and the lagoon default routing group survive the round trip.
    auto helpdesk = route(**snapshot, test::call("203.0.113.65", "0612345678", "0688881234"), test::env_at(test::kTueDay));
    CHECK(test::targets(**snapshot, helpdesk) == std::vector<std::string>{"lagoon-roma"});
    auto venezia = route(**snapshot, test::call("198.51.100.40", "0412700001", "0551234567"), test::env_at(test::kTueDay));
    CHECK(test::targets(**snapshot, venezia) == std::vector<std::string>{"tim-milano", "tim-roma"});
  }
  pqxx::nontransaction(*admin).exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

}  // namespace c4::routing
