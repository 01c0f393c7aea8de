// The hand-off of `c4confd all`: compile_applied_snapshot (the reconciler's catalog and ids,
// no PostgreSQL read) must build the snapshot load_snapshot builds from the rows of the same
// revision. Compared table by table (ids, order-dependent indexes, secrets, every number and
// prefix) and through routing and explain, on the examples and on a generated repository
// edited, renamed and pruned revision after revision, against the real PostgreSQL of
// `./c4 test`.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "api/routing/explain.h"
#include "api/routing/kamailio.h"
#include "api/routing/snapshot_data.h"
#include "reconciler/reconcile_pass.h"
#include "routing_support.h"
#include "test_database.h"

namespace c4::routing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json key_json(const Meta& m) { return {std::string(kind_name(m.kind)), m.tenant, m.name}; }

// Where explain says an object comes from, and what it is.
json object_json(const Meta& m, int64_t id) { return {key_json(m), id, m.hash, m.file, m.pos.line}; }

// Everything a snapshot answers from, in a form two snapshots can be compared by.
json fingerprint(const Snapshot& s) {
  const SnapshotData& d = s.data();
  json out = {{"revision", s.revision()}, {"counts", s.counts()}, {"warnings", s.warnings()}};
  for (const auto& t : d.tenants) out["tenants"].push_back(object_json(t.src->meta, t.id));
  for (const auto& x : d.domains) out["domains"].push_back({object_json(x.src->meta, x.id), x.tenant, x.ipbx});
  for (const auto& t : d.trunks)
    out["trunks"].push_back({object_json(t.src->meta, t.id), t.tenant, t.profile, t.registration_password.value_or("-")});
  for (const auto& x : d.ipbxs)
    out["ipbxs"].push_back({object_json(x.src->meta, x.id), x.tenant, x.profile, x.group, x.domain,
                            x.password.value_or("-"), x.ha1, x.digest_realm, x.realm});
  for (const auto& g : d.groups) out["groups"].push_back({object_json(g.src->meta, g.id), g.tenant, g.unprefixed_rules});
  for (const auto& r : d.rules) {
    json targets = json::array();
    for (const auto& t : r.targets) targets.push_back({t.trunk, t.priority, t.weight});
    out["rules"].push_back({object_json(r.src->meta, r.id), r.tenant, r.group, targets, r.regex ? r.regex->pattern() : ""});
  }
  json numbers = json::object(), prefixes = json::object();
  for (size_t i = 0; i < d.dids.size(); ++i) {
    const DidEntry& e = d.dids[i];
    out["dids"].push_back({object_json(e.src->meta, e.id), e.tenant, e.ipbx, e.trunk, e.src->regex});
    for (const auto& n : e.src->numbers) numbers[n.number.to_string()] = d.did_numbers.find(n.number.value).value_or(-1);
    for (const auto& p : e.src->prefixes) prefixes[p.digits] = i;
  }
  out["did_numbers"] = numbers;
  out["did_prefixes"] = prefixes;
  for (const auto& r : d.did_ranges) out["did_ranges"].push_back({r.from, r.to, r.did});
  std::map<std::pair<uint32_t, uint64_t>, std::vector<uint32_t>> rule_prefixes;
  for (const auto& [key, rules] : d.rule_prefixes) rule_prefixes[{key.group, key.prefix}] = rules;
  for (const auto& [key, rules] : rule_prefixes) out["rule_prefixes"].push_back({key.first, key.second, rules});
  out["domain_by_name"] = std::map<std::string, uint32_t>(d.domain_by_name.begin(), d.domain_by_name.end());
  return out;
}

// The snapshot handed off for `outcome` and the one loaded from PostgreSQL after it.
struct Pair {
  SnapshotPtr handed, loaded;
};

Pair both_snapshots(pqxx::connection& conn, const PassOutcome& outcome) {
  REQUIRE_MESSAGE(outcome.status.is_ok(), outcome.status.message());
  REQUIRE(outcome.catalog);
  REQUIRE(outcome.revision_id);
  SnapshotOptions options;
  options.resolve_secret = test::fake_secret;
  auto handed = compile_applied_snapshot(*outcome.catalog, outcome.ids, *outcome.revision_id, options);
  REQUIRE_MESSAGE(handed.is_ok(), handed.status().message());
  auto loaded = load_snapshot(conn, options);
  REQUIRE_MESSAGE(loaded.is_ok(), loaded.status().message());
  return {*handed, *loaded};
}

// The first line where two JSON texts differ, for a readable failure.
std::string first_difference(const json& a, const json& b) {
  std::string x = a.dump(1), y = b.dump(1);
  size_t i = 0;
  while (i < x.size() && i < y.size() && x[i] == y[i]) ++i;
  size_t from = x.rfind('\n', i) == std::string::npos ? 0 : x.rfind('\n', i);
  return "handed off: " + x.substr(from, 200) + "\nloaded:     " + y.substr(from, 200);
}

void check_same(const Pair& p) {
  json handed = fingerprint(*p.handed), loaded = fingerprint(*p.loaded);
  CHECK_MESSAGE(handed == loaded, first_difference(handed, loaded));
}

DesiredRevision load_dir(const fs::path& dir) {
  auto r = RevisionSource::open_directory(dir)->load();
  REQUIRE(r.is_ok());
  return std::move(r.value());
}

const SchemaSet& schemas() { return **SchemaSet::builtin(); }

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("c4test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void replace_in_file(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_text(file);
  auto pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, std::string(from + " is not in " + file.string()));
  text.replace(pos, from.size(), to);
  std::ofstream(file) << text;
}

}  // namespace

TEST_CASE("the snapshot handed off for the examples is the one loaded from PostgreSQL") {
  c4::test::TestDatabase db("c4test_handoff_examples");
  auto outcome = reconcile_revision(db.conn(), load_dir(fs::path(C4_SOURCE_DIR) / "examples"), schemas(), {});
  Pair p = both_snapshots(db.conn(), outcome);
  check_same(p);
  CHECK(p.handed->revision() == std::to_string(*outcome.revision_id));
  // Answers, explain included (no file:line either way: rows have none).
  const std::vector<CallRequest> calls = {
      test::call("203.0.113.10", "0612345678", "0140000123"), test::call("192.0.2.10", "0140000123", "00390612345678"),
      test::call("203.0.113.65", "0612345678", "0688881234"), test::call("198.51.100.40", "0412700001", "0551234567"),
      test::call("192.0.2.10", "0140000001", "0561234567")};
  for (const auto& c : calls) {
    auto env = test::env_at(test::kTueDay);
    auto a = route(*p.handed, c, env), b = route(*p.loaded, c, env);
    CHECK(rtjson(*p.handed, a) == rtjson(*p.loaded, b));
    json request = {{"source_ip", c.source_ip}, {"from_uri", c.from_uri}, {"to_uri", c.to_uri}, {"at", test::kTueDay}};
    CHECK(explain_reply(*p.handed, request.dump(), env).body == explain_reply(*p.loaded, request.dump(), env).body);
  }
  CHECK(auth_reply(*p.handed, R"({"source_ip": "192.0.2.10"})").body ==
        auth_reply(*p.loaded, R"({"source_ip": "192.0.2.10"})").body);
  // The reconciler's catalog keeps its file positions: the hand-off copies, never edits it.
  CHECK_FALSE(outcome.catalog->all<DID>().front().meta.file.empty());
}

TEST_CASE("snapshots handed off revision after revision of a generated repository match PostgreSQL's") {
  c4::test::TestDatabase db("c4test_handoff_generated");
  fs::path dir = fresh_dir("handoff-gen");
  std::string gen = "python3 " + (fs::path(C4_SOURCE_DIR) / "bench/gen_repo.py").string();
  std::string quiet = " >/dev/null";
  REQUIRE(std::system((gen + " --out " + dir.string() +
                       " --dids 3000 --files 6 --tenants 3 --routing-prefixes 300 --prefixes-per-rule 10" + quiet)
                          .c_str()) == 0);
  auto apply = [&] { return reconcile_revision(db.conn(), load_dir(dir), schemas(), {}); };

  SUBCASE("first apply, then numbers replaced in one file") {
    check_same(both_snapshots(db.conn(), apply()));
    REQUIRE(std::system((gen + " --out " + dir.string() + " --change-one 2" + quiet).c_str()) == 0);
    auto outcome = apply();
    CHECK(outcome.plan.counts()[Kind::DID].updated >= 1);
    check_same(both_snapshots(db.conn(), outcome));
  }
  SUBCASE("a DID renamed, a DID file deleted and a new one added") {
    check_same(both_snapshots(db.conn(), apply()));
    fs::path first = *fs::begin(fs::directory_iterator(dir / "dids"));
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(first)) files.push_back(f.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 2);
    std::string text = read_text(files[0]);
    auto at = text.find("  name: ");
    REQUIRE(at != std::string::npos);
    std::string name = text.substr(at + 8, text.find('\n', at) - at - 8);
    replace_in_file(files[0], "  name: " + name + "\n", "  name: " + name + "-renamed\n");
    // The deleted file's numbers come back under a new name in a new file: ids change hands.
    std::string moved = read_text(files[1]);
    fs::remove(files[1]);
    for (size_t i = 0; (i = moved.find("  name: did-", i)) != std::string::npos; i += 8)
      moved.replace(i, 12, "  name: zz-did-");
    std::ofstream(first / "zz-moved.yaml") << moved;
    auto outcome = apply();
    REQUIRE_MESSAGE(outcome.status.is_ok(), outcome.status.message());
    auto counts = outcome.plan.counts();
    CHECK(counts[Kind::DID].created >= 2);
    CHECK(counts[Kind::DID].deleted >= 2);
    check_same(both_snapshots(db.conn(), outcome));
  }
  fs::remove_all(dir);
}

}  // namespace c4::routing
