// `c4confd import` over the real binary: an old platform built the old way in PostgreSQL is
// imported, the repository validates, and calls route through it as the old data meant.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "legacy_platform.h"
#include "test_support.h"

namespace c4 {
namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

// Runs `args` with the real binary; stdout and stderr captured apart.
Run c4confd(const std::string& args, const std::filesystem::path& scratch) {
  auto err_file = scratch / "stderr.txt";
  std::string cmd = std::string(C4_BINARY) + " " + args + " 2>" + err_file.string();
  Run r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  return r;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every file under `dir`, concatenated (to search the whole output at once).
std::string all_text(const std::filesystem::path& dir) {
  std::string out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out += read_file(e.path());
  return out;
}

// Imports the old platform of `db` into scratch/repo; the run's result.
Run import_platform(test::LegacyDatabase& db, const test::TempDir& scratch) {
  test::fill_legacy_platform(db);
  return c4confd("import --from-database '" + db.url() + "' --out " + (scratch.path() / "repo").string(), scratch.path());
}

struct Call {
  const char* what;
  std::string args;      // --from, --to, --source-ip, ...
  int status;            // 0 routed, 1 no route
  std::string dst_uri;   // the first route's dst_uri when routed
  std::string uri_user;  // the first route's Request-URI user, "" when not checked
};

}  // namespace

TEST_CASE("import turns an old platform into a repository that validates and routes its calls") {
  test::LegacyDatabase db("c4_import_platform");
  test::TempDir scratch;
  auto out = scratch.path() / "repo";
  auto imported = import_platform(db, scratch);
  INFO(imported.err);
  // Some old rows have no equivalent: the import says so with exit 1 and names them.
  REQUIRE(imported.status == 1);
  CHECK(imported.err.find("unmapped: ipbx 4: ip_fqdn") != std::string::npos);
  CHECK(imported.err.find("unmapped: normalization_rules 4: rule_type 3") != std::string::npos);
  CHECK(imported.err.find("unmapped: normalization_rules 5: match_regex") != std::string::npos);
  CHECK(imported.err.find("unmapped: routing_rules 4: route_type \"did\"") != std::string::npos);
  CHECK(imported.err.find("unmapped: routing_rules 5: its carrier trunk belongs to another tenant") != std::string::npos);
  CHECK(imported.err.find("is refused by RE2") != std::string::npos);
  CHECK(imported.err.find("note: dids 1-10000: carrier_trunk_id not carried over") != std::string::npos);
  CHECK(imported.err.find("note: cdrs: 2 call records not imported") != std::string::npos);
  CHECK(read_file(out / "IMPORT-REPORT.txt").find("unmapped: ipbx 4") != std::string::npos);

  auto validated = c4confd("validate " + out.string(), scratch.path());
  INFO(validated.out);
  CHECK(validated.status == 0);
  CHECK(validated.out.find("0 errors") != std::string::npos);

  // No password hash reaches the manifests; the secret to supply is listed.
  std::string everything = all_text(out);
  CHECK(everything.find(test::old_hash('b').substr(64)) == std::string::npos);
  CHECK(everything.find(test::old_hash('c').substr(64)) == std::string::npos);
  CHECK(read_file(out / "secrets-required.env").find("C4_SECRET_ACME_T_L_COM_TRUNK_ORANGE_1_PASSWORD=") != std::string::npos);

  // The Lyon PBX: its old password_ha1 carried over, its realm (≠ its domain) kept apart.
  auto ipbxs = YAML::LoadAllFromFile((out / "tenants/acme-t-l-com/ipbxs.yaml").string());
  REQUIRE(ipbxs.size() == 2);
  CHECK(ipbxs[1]["spec"]["ha1"].as<std::string>() == test::lyon_ha1());
  CHECK(ipbxs[1]["spec"]["realm"].as<std::string>() == "pbx-realm.lyon");
  CHECK(ipbxs[1]["spec"]["domain"].as<std::string>() == "lyon.acme.example.com");

  // Hostile old names come back byte for byte from the YAML.
  for (const auto& e : std::filesystem::directory_iterator(out / "tenants")) {
    auto tenant = YAML::LoadFile((e.path() / "tenant.yaml").string());
    if (tenant["spec"]["uuid"].as<std::string>() != test::kHostileUuid) continue;
    CHECK(tenant["spec"]["description"].as<std::string>() == test::kHostileName);
  }
}

TEST_CASE("calls route through the imported repository as the old data meant") {
  test::LegacyDatabase db("c4_import_routes");
  test::TempDir scratch;
  REQUIRE(import_platform(db, scratch).status == 1);
  std::string repo = (scratch.path() / "repo").string();
  const std::string orange = "--source-ip 192.0.2.100 --from 33999000111", tim = "--source-ip 198.51.100.20 --from 39999000111";
  const std::vector<Call> calls = {
      {"a DID written without + in the old data, sent without +", orange + " --to 33140000042", 0, "sip:192.0.2.10:5060", "0140000042"},
      {"the same DID in national form (old inbound rule)", orange + " --to 0140000042", 0, "sip:192.0.2.10:5060", ""},
      {"the same DID with visual separators", orange + " --to +33-1-40-00-00-42", 0, "sip:192.0.2.10:5060", ""},
      {"a gap between old DIDs routes nowhere", orange + " --to 33140000999", 1, "", ""},
      {"a Lyon DID (plain digits in did_regex)", orange + " --to 33472102999", 0, "sip:pbx.lyon.acme.example.com:5080", ""},
      {"a Lagoon DID", tim + " --to 390612340996", 0, "sip:203.0.113.5:5060", ""},
      {"a Lagoon DID block (\\d{4})", tim + " --to 390415201234", 0, "sip:203.0.113.5:5060", ""},
      {"a Lagoon DID regex", tim + " --to 3904169901", 0, "sip:203.0.113.5:5060", ""},
      {"another tenant's DID is not reachable from a trunk", tim + " --to 33140000042", 1, "", ""},
      {"Paris PBX outbound to a French mobile: rule 33 → Orange, national form",
       "--source-ip 192.0.2.10 --from 0140000001 --to 0612345678", 0, "sip:sbc.orange.example:5060", "0612345678"},
      {"Paris PBX to a German number: the cross-tenant rule was not imported",
       "--source-ip 192.0.2.10 --from 0140000001 --to 004930123456", 1, "", ""},
      {"Lagoon PBX outbound to Italy: rule 39 → TIM", "--source-ip 203.0.113.5 --from 390612340001 --to 390212345678", 0,
       "sip:sbc.tim.example:5060", ""},
      {"Lyon PBX by digest user from anywhere, catch-all rule → Orange",
       "--source-ip 203.0.113.99 --username acme-lyon --domain lyon.acme.example.com --from 0472100001 --to 0556000000",
       0, "sip:sbc.orange.example:5060", ""},
      {"Lyon PBX calling a Paris DID stays on-net",
       "--source-ip 203.0.113.99 --username acme-lyon --domain lyon.acme.example.com --from 0472100001 --to 0140000042",
       0, "sip:192.0.2.10:5060", ""},
      {"an unknown caller gets no route", "--source-ip 192.0.2.222 --from 1 --to 33140000042", 1, "", ""},
  };
  for (const auto& call : calls) {
    CAPTURE(call.what);
    auto r = c4confd("route " + repo + " --at 2026-11-26T10:00:00Z " + call.args, scratch.path());
    INFO(r.err);
    CHECK(r.status == call.status);
    if (call.status != 0 || r.status != 0) continue;
    auto j = nlohmann::json::parse(r.out);
    const auto& route = j["rtjson"]["routes"][0];
    CHECK(route["dst_uri"] == call.dst_uri);
    if (!call.uri_user.empty()) CHECK(route["uri"].get<std::string>().rfind("sip:" + call.uri_user + "@", 0) == 0);
  }
  // The Lyon PBX authenticates with its old password_ha1, computed over its domain (not its realm).
  auto lyon = c4confd("route " + repo + " --source-ip 203.0.113.99 --username acme-lyon --domain lyon.acme.example.com "
                      "--from 0472100001 --to 0140000042", scratch.path());
  REQUIRE(lyon.status == 0);
  auto auth = nlohmann::json::parse(lyon.out)["auth"];
  CHECK(auth["success"] == true);
  CHECK(auth["password_ha1"] == test::lyon_ha1());
  CHECK(auth["tenant_uuid"] == test::kAcmeUuid);
}

TEST_CASE("import writes nothing when --out is not empty or the old database cannot be read") {
  test::LegacyDatabase db("c4_import_refuses");
  test::fill_legacy_platform(db);
  test::TempDir scratch;
  auto busy = scratch.path() / "busy";
  std::filesystem::create_directories(busy);
  std::ofstream(busy / "keep.txt") << "mine";
  auto r = c4confd("import --from-database '" + db.url() + "' --out " + busy.string(), scratch.path());
  CHECK(r.status == 2);
  CHECK(r.err.find("is not empty") != std::string::npos);
  CHECK(std::distance(std::filesystem::directory_iterator(busy), std::filesystem::directory_iterator()) == 1);

  auto fresh = scratch.path() / "fresh";
  db.exec("DROP TABLE routing_groups");
  r = c4confd("import --from-database '" + db.url() + "' --out " + fresh.string(), scratch.path());
  CHECK(r.status == 2);
  CHECK(r.err.find("routing_groups") != std::string::npos);
  CHECK(!std::filesystem::exists(fresh));
  r = c4confd("import --from-database 'postgresql://nobody:hunter2@127.0.0.1:1/none' --out " + fresh.string(), scratch.path());
  CHECK(r.status == 2);
  CHECK(r.err.find("hunter2") == std::string::npos);
  CHECK(!std::filesystem::exists(fresh));
  // No temporary tree is left beside the target.
  for (const auto& e : std::filesystem::directory_iterator(scratch.path()))
    CHECK(e.path().filename().string().rfind(".", 0) == std::string::npos);
}

}  // namespace c4
