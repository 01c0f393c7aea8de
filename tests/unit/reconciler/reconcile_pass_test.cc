// The reconciler's database steps against the real PostgreSQL started by `./c4 test`
// (C4CONFD_DATABASE_URL). Each test works in a database of its own.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "store/database.h"
#include "store/live_state.h"
#include "store/migrations.h"
#include "reconciler/reconcile_pass.h"
#include "test_database.h"
#include "test_support.h"

namespace c4 {
namespace {

namespace fs = std::filesystem;

using test::TestDatabase;

DesiredRevision load_dir(const fs::path& dir) {
  auto r = RevisionSource::open_directory(dir)->load();
  REQUIRE(r.is_ok());
  return std::move(r.value());
}

const SchemaSet& schemas() { return **SchemaSet::builtin(); }

fs::path copy_examples(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("c4test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::copy(fs::path(C4_SOURCE_DIR) / "examples", dir, fs::copy_options::recursive);
  return dir;
}

void replace_in_file(const fs::path& file, const std::string& from, const std::string& to) {
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  std::ofstream(file) << text;
}

}  // namespace

TEST_CASE("applying the examples creates every object and re-applying writes nothing") {
  TestDatabase db("c4test_apply_examples");
  auto revision = load_dir(fs::path(C4_SOURCE_DIR) / "examples");
  auto first = reconcile_revision(db.conn(), revision, schemas(), {});
  REQUIRE_MESSAGE(first.status.is_ok(), first.status.message());
  CHECK(first.result == RevisionResult::applied);
  CHECK(first.plan.changes.size() == 65);
  std::string after_first = db.config_dump();

  auto second = reconcile_revision(db.conn(), revision, schemas(), {});
  CHECK(second.status.is_ok());
  CHECK(second.result == RevisionResult::unchanged);
  CHECK(second.plan.empty());
  CHECK_FALSE(second.wrote);
  CHECK(db.config_dump() == after_first);
  pqxx::read_transaction txn(db.conn());
  CHECK(txn.exec1("SELECT count(*) FROM revisions")[0].as<int>() == 1);
  CHECK(txn.exec1("SELECT count(*) FROM did_numbers")[0].as<int>() > 0);
}

TEST_CASE("live contents rebuilt from rows hash like the manifests they were written from") {
  TestDatabase db("c4test_live_hash");
  auto revision = load_dir(fs::path(C4_SOURCE_DIR) / "examples");
  auto outcome = reconcile_revision(db.conn(), revision, schemas(), {});
  REQUIRE(outcome.status.is_ok());
  pqxx::read_transaction txn(db.conn());
  auto contents = read_live_contents(txn);
  REQUIRE(contents.is_ok());
  CHECK(contents->size() == 65);
  for (const auto& entry : *contents) {  // no structured binding: the lambda below takes `key` (clang 14)
    const auto& key = entry.first;
    const auto& content = entry.second;
    const Meta* meta = nullptr;
    outcome.catalog->for_each_list([&](const auto& list) {
      for (const auto& o : list)
        if (key_of(o.meta) == key) meta = &o.meta;
    });
    REQUIRE(meta);
    CHECK_MESSAGE(content_hash(key.kind, content) == meta->hash, key.display());
  }
}

TEST_CASE("live contents of chosen objects hold their own DID numbers and no other object") {
  TestDatabase db("c4test_live_some");
  auto revision = load_dir(fs::path(C4_SOURCE_DIR) / "examples");
  auto outcome = reconcile_revision(db.conn(), revision, schemas(), {});
  REQUIRE(outcome.status.is_ok());
  // A DID with listed numbers, not the first one (so another DID's numbers come before it).
  const DID* did = nullptr;
  for (const auto& d : outcome.catalog->all<DID>())
    if (&d != &outcome.catalog->all<DID>().front() && !d.numbers.empty() && !did) did = &d;
  REQUIRE(did);
  // One DID and one trunk: what a plan asks for when those two files changed.
  std::vector<ObjectKey> keys = {key_of(did->meta), key_of(outcome.catalog->all<CarrierTrunk>().front().meta)};
  pqxx::read_transaction txn(db.conn());
  auto contents = read_live_contents(txn, keys);
  REQUIRE(contents.is_ok());
  REQUIRE(contents->size() == 2);
  CHECK(content_hash(Kind::DID, contents->at(keys[0])) == did->meta.hash);
  CHECK(content_hash(Kind::CarrierTrunk, contents->at(keys[1])) == outcome.catalog->all<CarrierTrunk>().front().meta.hash);
  // Exactly this DID's numbers: none of another DID's lists leaked in.
  size_t listed = contents->at(keys[0])["spec"].value("numbers", nlohmann::json::array()).size();
  CHECK(listed == did->numbers.size());
}

TEST_CASE("an edit updates in place keeping ids and a removed file is pruned") {
  TestDatabase db("c4test_update_prune");
  fs::path dir = copy_examples("update");
  REQUIRE(reconcile_revision(db.conn(), load_dir(dir), schemas(), {}).status.is_ok());
  int64_t trunk_id;
  {
    pqxx::read_transaction txn(db.conn());
    trunk_id = txn.exec1("SELECT id FROM carrier_trunks WHERE name = 'orange-paris'")[0].as<int64_t>();
  }
  replace_in_file(dir / "tenants/acme/carriers/orange.yaml", "sbc-paris.orange.example", "sbc-paris2.orange.example");
  fs::remove(dir / "tenants/lagoon/dids/roma.yaml");

  auto outcome = reconcile_revision(db.conn(), load_dir(dir), schemas(), {});
  REQUIRE_MESSAGE(outcome.status.is_ok(), outcome.status.message());
  auto counts = outcome.plan.counts();
  CHECK(counts[Kind::CarrierTrunk].updated == 1);
  CHECK(counts[Kind::DID].deleted >= 1);
  REQUIRE(outcome.plan.changes.front().fields.size() == 1);
  CHECK(outcome.plan.changes.front().fields[0].path == "/spec/sipProxy");

  pqxx::read_transaction txn(db.conn());
  auto row = txn.exec1("SELECT id, spec->>'sipProxy' FROM carrier_trunks WHERE name = 'orange-paris'");
  CHECK(row[0].as<int64_t>() == trunk_id);
  CHECK(row[1].as<std::string>() == "sbc-paris2.orange.example");
  CHECK(txn.exec1("SELECT count(*) FROM dids d JOIN tenants t ON t.id = d.tenant_id WHERE t.name = 'lagoon' "
                  "AND d.name LIKE 'roma-%'")[0].as<int>() == 0);
  fs::remove_all(dir);
}

TEST_CASE("an invalid revision leaves the configuration identical and is recorded as failed") {
  TestDatabase db("c4test_invalid");
  fs::path dir = copy_examples("invalid");
  REQUIRE(reconcile_revision(db.conn(), load_dir(dir), schemas(), {}).status.is_ok());
  std::string before = db.config_dump();

  replace_in_file(dir / "tenants/acme/carriers/orange.yaml", "sbc-paris.orange.example", "not a host!");
  auto outcome = reconcile_revision(db.conn(), load_dir(dir), schemas(), {});
  CHECK_FALSE(outcome.status.is_ok());
  CHECK(outcome.failed_step == Step::validate);
  CHECK(db.config_dump() == before);

  pqxx::read_transaction txn(db.conn());
  auto row = txn.exec1("SELECT result, failed_step, errors::text FROM revisions ORDER BY id DESC LIMIT 1");
  CHECK(row[0].as<std::string>() == "failed");
  CHECK(row[1].as<std::string>() == "validate");
  CHECK(row[2].as<std::string>().find("not a host!") != std::string::npos);
  auto status = read_status(txn);
  REQUIRE(status.is_ok());
  CHECK(status->last_attempt_result == "failed");
  CHECK(status->live_commit_id != outcome.commit_id);
  fs::remove_all(dir);
}

TEST_CASE("hand edits in the database are found by the drift check and corrected") {
  TestDatabase db("c4test_drift");
  auto revision = load_dir(fs::path(C4_SOURCE_DIR) / "examples");
  REQUIRE(reconcile_revision(db.conn(), revision, schemas(), {}).status.is_ok());
  std::string before = db.config_dump(false);
  {
    pqxx::work txn(db.conn());
    txn.exec("UPDATE carrier_trunks SET spec = jsonb_set(spec, '{sipProxy}', '\"evil.example\"') WHERE name = 'orange-paris'");
    txn.exec("DELETE FROM did_numbers WHERE number = (SELECT min(number) FROM did_numbers)");
    txn.exec("UPDATE ipbxs SET domain_id = NULL WHERE name = 'acme-lyon'");
    txn.commit();
  }
  // Without the drift check the stored hashes still match: nothing is seen.
  auto blind = reconcile_revision(db.conn(), revision, schemas(), {});
  CHECK(blind.plan.empty());

  PassOptions check;
  check.check_drift = true;
  auto outcome = reconcile_revision(db.conn(), revision, schemas(), check);
  REQUIRE_MESSAGE(outcome.status.is_ok(), outcome.status.message());
  CHECK(outcome.drifted.size() == 3);
  CHECK(outcome.plan.changes.size() == 3);

  CHECK(db.config_dump(false) == before);  // a rewrite moves updated_at only
  pqxx::read_transaction txn(db.conn());
  auto status = read_status(txn);
  REQUIRE(status.is_ok());
  CHECK(status->drift_count == 3);
  CHECK(status->last_drift.dump().find("CarrierTrunk acme/orange-paris") != std::string::npos);

  auto again = reconcile_revision(db.conn(), revision, schemas(), check);
  CHECK(again.drifted.empty());
  CHECK(again.plan.empty());
}

TEST_CASE("a dry run plans against the database and writes nothing") {
  TestDatabase db("c4test_dry_run");
  auto revision = load_dir(fs::path(C4_SOURCE_DIR) / "examples");
  PassOptions dry;
  dry.dry_run = true;
  auto outcome = reconcile_revision(db.conn(), revision, schemas(), dry);
  CHECK(outcome.status.is_ok());
  CHECK(outcome.plan.changes.size() == 65);
  pqxx::read_transaction txn(db.conn());
  CHECK(txn.exec1("SELECT count(*) FROM tenants")[0].as<int>() == 0);
  CHECK(txn.exec1("SELECT count(*) FROM revisions")[0].as<int>() == 0);
}

}  // namespace c4
