// The trust boundary of secrets, over the real binary (C4_BINARY), PostgreSQL and Redis: a
// manifest may only name secrets where the operator said (--secrets-dir, --secrets-env-prefix),
// `validate` reports a refused reference at its file:line, the server never reads one even
// from rows written behind validation's back, and no output but Kamailio's answers ever holds
// a secret: plan, apply, status, route --explain, the REST views, explain, revisions, /status,
// /metrics, error bodies and the process's own log.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "server_test_support.h"
#include "test_process.h"
#include "scoped_env.h"
#include "test_support.h"

namespace c4 {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Run {
  int status = -1;
  std::string out;  // stdout and stderr
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `c4confd ARGS` with the environment settings `env` ("NAME=value …"), none of the
// caller's C4CONFD_SECRETS_* settings, stdout and stderr together.
Run c4confd(const std::string& args, const std::string& env = "") {
  std::string cmd = "env -u C4CONFD_SECRETS_DIR -u C4CONFD_SECRETS_ENV_PREFIX -u C4CONFD_OUTPUT " + env + " " +
                    quote(C4_BINARY) + " " + args + " 2>&1";
  Run r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void replace_in(const fs::path& file, const std::string& from, const std::string& to) {
  std::string text = read_all(file);
  auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from << " not in " << file);
  text.replace(at, from.size(), to);
  std::ofstream(file, std::ios::binary) << text;
}

const char* kManifest = R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: acme}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: orange, tenant: acme}
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t1, tenant: acme}
spec:
  carrier: orange
  sipProxy: sbc.orange.example
  allowedSources: [203.0.113.10]
  registration:
    username: acme
    passwordFrom: {file: FILE_PATH}
    registrarProxy: reg.orange.example
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p1, tenant: acme}
spec:
  host: pbx.acme.example
  allowedSources: [192.0.2.10]
  username: p1
  passwordFrom: {env: ENV_NAME}
  digestRealm: pbx.acme.example
)";

// A one-file revision whose trunk reads `file` and whose IPBX reads `env`.
fs::path write_revision(const test::TempDir& tmp, const std::string& file, const std::string& env) {
  std::string text = kManifest;
  text.replace(text.find("FILE_PATH"), 9, file);
  text.replace(text.find("ENV_NAME"), 8, env);
  tmp.write("repo/acme.yaml", text);
  return tmp.path() / "repo";
}

// The recognisable secrets of the redaction test, and where each comes from.
const std::string kEnvSecret = "Env-Secret-2b9c41";      // trunk voxbone-fr, C4_SECRET_VOXBONE_PASSWORD
const std::string kIpbxSecret = "Ipbx-Secret-8e6f03";    // IPBX acme-lyon, C4_SECRET_ACME_LYON_SIP_PASSWORD
const std::string kFileSecret = "File-Secret-5d3a77";    // trunk orange-paris, a file in the secrets dir
const std::string kPlainSecret = "Plain-Secret-7f1e09";  // trunk tim-milano, plain in Git
const std::string kChangedPlain = "Plain-Secret-CHANGED-41";

// The first recognisable secret found in `text`, "" when none.
std::string leaked_secret(const std::string& text) {
  for (const auto& s : {kEnvSecret, kIpbxSecret, kFileSecret, kPlainSecret, kChangedPlain})
    if (text.find(s) != std::string::npos) return s;
  return "";
}

#define CHECK_NO_SECRET(what, text)                               \
  do {                                                            \
    std::string leaked_ = leaked_secret(text);                    \
    CHECK_MESSAGE(leaked_.empty(), what << " shows " << leaked_); \
  } while (0)

// `c4confd serve` as a child process on a free port, with the given extra flags; stopped with
// SIGTERM (then SIGKILL) when the object dies. Its stdout and stderr go to `log`.
class ServeProcess {
 public:
  ServeProcess(const std::string& database_url, const fs::path& dir, std::vector<std::string> extra)
      : port_(test::free_loopback_port()), log_(dir / "serve.log") {
    std::ofstream(dir / "admin-token") << test::kAdminToken << "\n";
    std::ofstream(dir / "kamailio-token") << test::kKamailioToken << "\n";
    std::vector<std::string> argv = {C4_BINARY, "serve", "--listen", "127.0.0.1:" + std::to_string(port_),
                                     "--database-url", database_url, "--admin-token-file",
                                     (dir / "admin-token").string(), "--kamailio-token-file",
                                     (dir / "kamailio-token").string(), "--trusted-networks", "192.0.2.0/24",
                                     "--poll-interval", "0.2", "--workers", "4", "--io-threads", "1"};
    if (const char* redis = std::getenv("C4CONFD_REDIS_URL")) {
      argv.push_back("--redis-url");
      argv.push_back(redis);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<test::ChildProcess>(argv, log_);
    bool ready = test::eventually([&] { return test::http_get(port_, "/status").status == 204 || !process_->running(); },
                                  30s);
    REQUIRE_MESSAGE((ready && process_->running()), "c4confd serve did not become ready:\n" << log());
  }
  ~ServeProcess() { stop(); }
  // SIGTERM, and waits for the exit; returns the log.
  std::string stop() {
    if (process_ && process_->send(SIGTERM)) process_->wait_for(20s);
    process_.reset();
    return log();
  }
  int port() const { return port_; }
  std::string log() const { return read_all(log_); }

 private:
  int port_;
  fs::path log_;
  std::unique_ptr<test::ChildProcess> process_;
};

// The examples with every kind of secret reference: env (voxbone-fr, acme-lyon), a file in
// `secrets` (orange-paris) and a plain value in Git (tim-milano).
fs::path examples_with_secrets(const fs::path& dir, const fs::path& secrets) {
  fs::path repo = test::examples_copy(dir);
  replace_in(repo / "tenants/acme/carriers/orange.yaml", "passwordFrom: {env: C4_SECRET_ORANGE_PARIS_PASSWORD}",
             "passwordFrom: {file: " + (secrets / "orange").string() + "}");
  replace_in(repo / "tenants/lagoon/carriers/tim.yaml", "passwordFrom: {env: C4_SECRET_TIM_MILANO_PASSWORD}",
             "password: " + kPlainSecret);
  return repo;
}

nlohmann::json outbound_call() {
  return {{"source_ip", "192.0.2.10"}, {"source_port", 5060}, {"call_id", "c4test-secrets"},
          {"from_uri", "sip:0140000123@paris.acme.example.com"}, {"to_uri", "sip:00390612345678@localhost"},
          {"at", "2026-11-26T10:00:00Z"}};
}

}  // namespace

TEST_CASE("validate refuses a file reference outside the secrets directories at its file and line") {
  test::TempDir tmp;
  auto secrets = tmp.path() / "secrets";
  tmp.write("secrets/orange", "s\n");
  auto outside = tmp.write("shadow", "root:x\n");
  auto repo = write_revision(tmp, outside.string(), "C4_SECRET_P1");
  auto r = c4confd("validate --quiet " + quote(repo.string()) + " --secrets-dir " + quote(secrets.string()));
  INFO(r.out);
  CHECK(r.status == 1);
  CHECK(r.out.find("acme.yaml:18:") != std::string::npos);
  CHECK(r.out.find("CarrierTrunk acme/t1 /spec/registration/passwordFrom/file: passwordFrom.file \"" + outside.string() +
                   "\" is refused: after `..` and symlinks it is not inside a secrets directory") != std::string::npos);

  // `..` out of the directory, and a symlink out of it: refused the same way.
  auto dotdot = write_revision(tmp, (secrets / ".." / "shadow").string(), "C4_SECRET_P1");
  CHECK(c4confd("validate " + quote(dotdot.string()) + " --secrets-dir " + quote(secrets.string())).status == 1);
  fs::create_symlink(outside, secrets / "link");
  auto link = write_revision(tmp, (secrets / "link").string(), "C4_SECRET_P1");
  CHECK(c4confd("validate " + quote(link.string()) + " --secrets-dir " + quote(secrets.string())).status == 1);

  // Inside: valid. The env twin names the directory as well as the flag.
  auto inside = write_revision(tmp, (secrets / "orange").string(), "C4_SECRET_P1");
  CHECK(c4confd("validate " + quote(inside.string()) + " --secrets-dir " + quote(secrets.string())).status == 0);
  CHECK(c4confd("validate " + quote(inside.string()), "C4CONFD_SECRETS_DIR=" + quote(secrets.string())).status == 0);
  // Without a secrets directory, every file reference is refused.
  auto none = c4confd("validate --quiet " + quote(inside.string()));
  CHECK(none.status == 1);
  CHECK(none.out.find("no --secrets-dir is configured") != std::string::npos);
}

TEST_CASE("validate refuses env references without the operator's prefix and c4confd's own settings") {
  test::TempDir tmp;
  tmp.write("secrets/orange", "s\n");
  auto secrets = (tmp.path() / "secrets").string();
  auto file = (tmp.path() / "secrets" / "orange").string();
  auto plain = write_revision(tmp, file, "ACME_PASSWORD");
  auto r = c4confd("validate --quiet --output json " + quote(plain.string()) + " --secrets-dir " + quote(secrets));
  INFO(r.out);
  CHECK(r.status == 1);
  auto problems = nlohmann::json::array();
  for (const auto& p : nlohmann::json::parse(r.out))
    if (p["severity"] == "error") problems.push_back(p);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0]["file"] == "acme.yaml");
  CHECK(problems[0]["line"] == 28);
  CHECK(problems[0]["pointer"] == "/spec/passwordFrom/env");
  CHECK(problems[0]["message"].get<std::string>().find("only variables starting with C4_SECRET_") != std::string::npos);
  // The operator's prefix is the flag's (or its twin's).
  CHECK(c4confd("validate " + quote(plain.string()) + " --secrets-dir " + quote(secrets) + " --secrets-env-prefix ACME_")
            .status == 0);
  CHECK(c4confd("validate " + quote(plain.string()) + " --secrets-dir " + quote(secrets),
                "C4CONFD_SECRETS_ENV_PREFIX=ACME_")
            .status == 0);
  // C4CONFD_ variables are refused even under a prefix that covers them.
  auto own = write_revision(tmp, file, "C4CONFD_DATABASE_URL");
  auto o = c4confd("validate --quiet " + quote(own.string()) + " --secrets-dir " + quote(secrets) +
                   " --secrets-env-prefix C4");
  CHECK(o.status == 1);
  CHECK(o.out.find("/spec/passwordFrom/env: passwordFrom.env \"C4CONFD_DATABASE_URL\" is refused") != std::string::npos);
  // A prefix that is not a variable name start, or a missing flag value, cannot run.
  CHECK(c4confd("validate " + quote(own.string()) + " --secrets-env-prefix 'A B'").status == 2);
}

TEST_CASE("route never reads a refused secret and serves an allowed one") {
  test::TempDir tmp;
  tmp.write("secrets/orange", "allowed-file-secret\n");
  auto secrets = (tmp.path() / "secrets").string();
  auto repo = examples_with_secrets(tmp.path() / "repo", tmp.path() / "secrets");
  std::string call = " --from sip:0140000123@paris.acme.example.com --to 00390612345678 --source-ip 192.0.2.10 "
                     "--at 2026-11-26T10:00:00Z";
  auto ok = c4confd("route " + quote(repo.string()) + call + " --secrets-dir " + quote(secrets),
                    "C4_SECRET_VOXBONE_PASSWORD=" + kEnvSecret);
  INFO(ok.out);
  REQUIRE(ok.status == 0);
  CHECK(ok.out.find("\"auth_password\": \"" + kEnvSecret + "\"") != std::string::npos);
  // A secrets directory that does not exist is a start-up error for a command that reads secrets.
  auto missing = c4confd("route " + quote(repo.string()) + call + " --secrets-dir " + quote(secrets + "-missing"));
  CHECK(missing.status == 2);
  CHECK(missing.out.find("--secrets-dir") != std::string::npos);
  // A revision that names a variable outside the prefix is invalid: nothing is read.
  replace_in(repo / "tenants/acme/carriers/voxbone.yaml", "C4_SECRET_VOXBONE_PASSWORD", "VOXBONE_PASSWORD");
  auto refused = c4confd("route " + quote(repo.string()) + call + " --secrets-dir " + quote(secrets),
                         "VOXBONE_PASSWORD=" + kEnvSecret);
  CHECK(refused.status == 2);
  CHECK(refused.out.find(kEnvSecret) == std::string::npos);
  CHECK(refused.out.find("voxbone.yaml:") != std::string::npos);
}

TEST_CASE("serve never reads a refused reference written to the database behind validation") {
  test::TestDatabase db("c4test_secrets_runtime");
  test::TempDir tmp;
  tmp.write("secrets/orange", "allowed-file-secret\n");
  auto outside = tmp.write("shadow", "root:Outside-Secret-91ac:19000::::::\n");
  auto secrets = tmp.path() / "secrets";
  auto repo = examples_with_secrets(tmp.path() / "repo", secrets);
  auto applied = c4confd("apply " + quote(repo.string()) + " --database-url " + quote(db.url()) + " --secrets-dir " +
                         quote(secrets.string()));
  REQUIRE_MESSAGE(applied.status == 0, applied.out);
  // Rows edited by hand (or written by a version without the policy): each names what a
  // hostile manifest would, and must not be read.
  {
    pqxx::work txn(db.conn());
    auto set = [&](const std::string& trunk, const std::string& ref) {
      txn.exec("UPDATE carrier_trunks SET spec = jsonb_set(spec #- '{registration,password}', "
               "'{registration,passwordFrom}', " + txn.quote(ref) +
               "::jsonb) WHERE name = " + txn.quote(trunk));
    };
    set("orange-paris", R"({"file": ")" + outside.string() + R"("})");
    set("voxbone-fr", R"({"env": "C4CONFD_DATABASE_URL"})");
    set("tim-milano", R"({"file": ")" + (secrets / ".." / "shadow").string() + R"("})");
    txn.commit();
  }
  std::string database_url = db.url() + "?application_name=Db-Url-Canary-5e2f";
  // Given back at the end: the next case in this process creates its database on ./c4 test's server.
  test::EnvVar own_url("C4CONFD_DATABASE_URL", database_url.c_str());
  ServeProcess serve(database_url, tmp.path(), {"--secrets-dir", secrets.string()});
  auto uacreg = test::http_get(serve.port(), "/1.0/kamailio/dbtext/uacreg", test::kKamailioToken);
  REQUIRE(uacreg.status == 200);
  CHECK(uacreg.body.find("Db-Url-Canary") == std::string::npos);
  CHECK(uacreg.body.find("Outside-Secret") == std::string::npos);
  CHECK(uacreg.body.find("lagoon-mi") == std::string::npos);  // tim-milano has no password to register with
  std::string log = serve.stop();
  CHECK(log.find("routing.snapshot_warning") != std::string::npos);
  CHECK(log.find("is refused") != std::string::npos);
  CHECK(log.find("Outside-Secret") == std::string::npos);
  CHECK(log.find("Db-Url-Canary") == std::string::npos);
}

TEST_CASE("no output but the Kamailio answers shows a secret to any token or operator") {
  test::TestDatabase db("c4test_secrets_redaction");
  test::TempDir tmp;
  tmp.write("secrets/orange", kFileSecret + "\n");
  auto secrets = tmp.path() / "secrets";
  auto repo = examples_with_secrets(tmp.path() / "repo", secrets);
  std::ofstream(repo / "test-tokens.yaml") << test::lagoon_token_manifest();
  ::setenv("C4_SECRET_VOXBONE_PASSWORD", kEnvSecret.c_str(), 1);
  ::setenv("C4_SECRET_ACME_LYON_SIP_PASSWORD", kIpbxSecret.c_str(), 1);
  ::setenv("C4_SECRET_ORANGE_PARIS_PASSWORD", "unused", 1);
  ::setenv("C4_SECRET_LAGOON_ROMA_SIP_PASSWORD", "unused-too", 1);
  std::string flags = " --database-url " + quote(db.url()) + " --secrets-dir " + quote(secrets.string());
  std::string dir = " " + quote(repo.string());

  auto validated = c4confd("validate" + dir + " --secrets-dir " + quote(secrets.string()));
  CHECK(validated.status == 0);
  CHECK_NO_SECRET("validate", validated.out);
  CHECK_NO_SECRET("validate --output json", c4confd("validate --output json" + dir).out);
  auto plan = c4confd("plan" + dir + flags);
  CHECK(plan.status == 2);
  CHECK_NO_SECRET("plan", plan.out);
  CHECK_NO_SECRET("plan --output json", c4confd("plan --output json" + dir + flags).out);
  auto apply = c4confd("apply" + dir + flags);
  REQUIRE_MESSAGE(apply.status == 0, apply.out);
  CHECK_NO_SECRET("apply", apply.out);
  // A changed plain password: the plan shows the field changed, never its values.
  replace_in(repo / "tenants/lagoon/carriers/tim.yaml", "password: " + kPlainSecret, "password: " + kChangedPlain);
  auto changed = c4confd("plan" + dir + flags);
  CHECK(changed.status == 2);
  CHECK(changed.out.find("/spec/registration/password") != std::string::npos);
  CHECK(changed.out.find("<redacted>") != std::string::npos);
  CHECK_NO_SECRET("plan of a changed password", changed.out);
  CHECK_NO_SECRET("plan --output json of a changed password", c4confd("plan --output json" + dir + flags).out);
  CHECK_NO_SECRET("status", c4confd("status --database-url " + quote(db.url())).out);
  auto explained = c4confd("route" + dir + " --explain --from sip:0140000123@paris.acme.example.com --to 00390612345678 "
                           "--source-ip 192.0.2.10 --at 2026-11-26T10:00:00Z --secrets-dir " + quote(secrets.string()));
  CHECK(explained.status == 0);
  CHECK(explained.out.find("\"auth_password\": \"<redacted>\"") != std::string::npos);
  CHECK_NO_SECRET("route --explain", explained.out);

  ServeProcess serve(db.url(), tmp.path(), {"--secrets-dir", secrets.string()});
  int port = serve.port();
  // The Kamailio token gets the secrets (so they were loaded, and the checks below can fail).
  auto uacreg = test::http_get(port, "/1.0/kamailio/dbtext/uacreg", test::kKamailioToken);
  CHECK(uacreg.body.find(kFileSecret) != std::string::npos);
  CHECK(uacreg.body.find(kEnvSecret) != std::string::npos);
  CHECK(uacreg.body.find(kPlainSecret) != std::string::npos);

  for (const auto& token : {test::kAdminToken, test::kNocToken, test::kAcmeToken, test::kLagoonToken}) {
    CAPTURE(token);
    for (const char* kind : {"tenants", "domains", "carriers", "normalization_profiles", "carrier_trunks",
                             "routing_groups", "ipbxs", "dids", "routing_rules", "api_tokens"}) {
      auto list = test::http_get(port, std::string("/1.0/") + kind, token);
      CHECK_NO_SECRET(kind, list.body);
      if (list.status != 200 || list.json()["items"].empty()) continue;
      auto id = list.json()["items"][0]["id"].dump();
      CHECK_NO_SECRET(kind << "/" << id, test::http_get(port, std::string("/1.0/") + kind + "/" + id, token).body);
    }
    auto trunks = test::http_get(port, "/1.0/carrier_trunks", token).body;
    // tim-milano (lagoon) has a plain password: shown redacted to the tokens that see lagoon.
    if (token != test::kAcmeToken) CHECK(trunks.find("<redacted>") != std::string::npos);
    auto explain = test::http_send(port, "POST", "/1.0/routing/explain", outbound_call().dump(), token);
    if (token != test::kLagoonToken) CHECK(explain.json()["rtjson"]["auth_password"] == "<redacted>");
    CHECK_NO_SECRET("explain", explain.body);
    for (const char* path : {"/1.0/revisions", "/1.0/revisions/1", "/1.0/status", "/status", "/metrics",
                             "/openapi.json", "/1.0/cdrs", "/1.0/kamailio/dbtext/uacreg"})
      CHECK_NO_SECRET(path, test::http_get(port, path, token).body);
    // The Kamailio endpoints refuse every token but Kamailio's, even from a trusted network.
    CHECK(test::http_get(port, "/1.0/kamailio/dbtext/uacreg", token).status == 403);
    auto denied = test::http_send(port, "POST", "/1.0/kamailio/routing", outbound_call().dump(), token);
    CHECK(denied.status == 403);
    CHECK_NO_SECRET("routing with a reader token", denied.body);
    // Error bodies: a write, a bad explain body.
    CHECK_NO_SECRET("405", test::http_send(port, "PUT", "/1.0/carrier_trunks/1", "{}", token).body);
    CHECK_NO_SECRET("400", test::http_send(port, "POST", "/1.0/routing/explain", "{\"to_uri\": 5}", token).body);
  }
  std::string log = serve.stop();
  CHECK(log.find("secrets.policy") != std::string::npos);
  CHECK_NO_SECRET("the serve log", log);
}

}  // namespace c4
