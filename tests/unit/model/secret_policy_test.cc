// The secret policy (model/secret_policy.h): which passwordFrom references of an untrusted
// manifest may be read, and reading them without ever reading a refused one.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include <doctest/doctest.h>

#include "scoped_env.h"
#include "model/secret_policy.h"
#include "test_support.h"

namespace c4 {
namespace {

namespace fs = std::filesystem;

SecretRef env_ref(std::string name) { return {SecretRef::Source::env, std::move(name), {}}; }
SecretRef file_ref(std::string path) { return {SecretRef::Source::file, std::move(path), {}}; }

SecretPolicy policy_for(const std::vector<std::string>& dirs, std::string prefix = "C4_SECRET_",
                        std::vector<std::string> refused = {}) {
  auto p = SecretPolicy::create({dirs, std::move(prefix), std::move(refused)}, SecretPolicy::Dirs::must_exist);
  REQUIRE_MESSAGE(p.is_ok(), p.status().message());
  return std::move(p.value());
}

// A secrets directory with one secret, and an outside file standing for /etc/shadow.
struct Layout {
  test::TempDir root;
  fs::path secrets, secret, outside;
  Layout() {
    secrets = root.path() / "secrets";
    secret = root.write("secrets/orange", "inside-secret\n");
    outside = root.write("shadow", "root:outside-secret:19000::::::\n");
  }
};

}  // namespace

TEST_CASE("the default policy reads C4_SECRET_ variables only and no file at all") {
  SecretPolicy policy;
  ::setenv("C4_SECRET_POLICY_TEST", "ok", 1);
  ::setenv("POLICY_TEST_PLAIN_NAME", "not-allowed", 1);
  CHECK(policy.read(env_ref("C4_SECRET_POLICY_TEST")).value() == "ok");
  auto plain_name = policy.read(env_ref("POLICY_TEST_PLAIN_NAME"));
  CHECK(plain_name.status().code() == Status::Code::invalid);
  CHECK(plain_name.status().message().find("only variables starting with C4_SECRET_") != std::string::npos);
  Layout l;
  auto file = policy.read(file_ref(l.secret.string()));
  CHECK(file.status().code() == Status::Code::invalid);
  CHECK(file.status().message().find("no --secrets-dir is configured") != std::string::npos);
}

TEST_CASE("c4confd's own C4CONFD_ settings are refused even when the prefix covers them") {
  test::EnvVar own_url("C4CONFD_DATABASE_URL", "postgresql://owner:db-password@db/c4");
  auto policy = policy_for({}, "C4");
  for (const char* name : {"C4CONFD_DATABASE_URL", "c4confd_database_url", "C4confd_ADMIN_TOKEN"}) {
    CAPTURE(name);
    auto r = policy.read(env_ref(name));
    REQUIRE_FALSE(r.is_ok());
    CHECK(r.status().message().find("c4confd's own settings") != std::string::npos);
    CHECK(r.status().message().find("db-password") == std::string::npos);
  }
  // A prefix that could only name c4confd's settings is a configuration error.
  auto own = SecretPolicy::create({{}, "C4CONFD_", {}}, SecretPolicy::Dirs::must_exist);
  CHECK(own.status().message().find("--secrets-env-prefix") != std::string::npos);
  CHECK_FALSE(SecretPolicy::create({{}, "", {}}, SecretPolicy::Dirs::must_exist).is_ok());
  CHECK_FALSE(SecretPolicy::create({{}, "C4-SECRET", {}}, SecretPolicy::Dirs::must_exist).is_ok());
}

TEST_CASE("env references that are not plain variable names are refused") {
  SecretPolicy policy;
  for (std::string name : {std::string("C4_SECRET_A\nB"), std::string("C4_SECRET_A=B"), std::string("C4_SECRET_\0X", 12),
                           "C4_SECRET_" + std::string(300, 'A'), std::string("")}) {
    auto s = policy.check(env_ref(name));
    CHECK(s.code() == Status::Code::invalid);
    CHECK(s.message().find('\n') == std::string::npos);  // echoed escaped, on one line
  }
}

TEST_CASE("a file inside a secrets directory is read and one outside is refused without being read") {
  Layout l;
  auto policy = policy_for({l.secrets.string()});
  CHECK(policy.read(file_ref(l.secret.string())).value() == "inside-secret");
  auto outside = policy.read(file_ref(l.outside.string()));
  REQUIRE_FALSE(outside.is_ok());
  CHECK(outside.status().message().find("not inside a secrets directory") != std::string::npos);
  CHECK(outside.status().message().find("outside-secret") == std::string::npos);
  // A sibling whose name starts like the directory is not inside it.
  auto sibling = l.root.write("secrets-evil/x", "evil");
  CHECK_FALSE(policy.check(file_ref(sibling.string())).is_ok());
  // The directory itself is not a secret file.
  CHECK_FALSE(policy.check(file_ref(l.secrets.string())).is_ok());
  CHECK_FALSE(policy.check(file_ref(l.secrets.string() + "/")).is_ok());
}

TEST_CASE("dot-dot paths that leave the secrets directory are refused") {
  Layout l;
  auto policy = policy_for({l.secrets.string()});
  std::string escape = (l.secrets / ".." / "shadow").string();
  auto r = policy.read(file_ref(escape));
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message().find("not inside a secrets directory") != std::string::npos);
  CHECK_FALSE(policy.check(file_ref((l.secrets / "missing" / ".." / ".." / "shadow").string())).is_ok());
  CHECK_FALSE(policy.check(file_ref(l.secrets.string() + "/../../../../../../etc/shadow")).is_ok());
  // `..` that stays inside is fine.
  CHECK(policy.read(file_ref((l.secrets / "sub" / ".." / "orange").string())).value() == "inside-secret");
}

TEST_CASE("symlinks out of the secrets directory are refused and symlinks within it are followed") {
  Layout l;
  auto policy = policy_for({l.secrets.string()});
  fs::create_symlink(l.outside, l.secrets / "link-out");
  fs::create_directory_symlink(l.root.path(), l.secrets / "dir-out");
  CHECK_FALSE(policy.read(file_ref((l.secrets / "link-out").string())).is_ok());
  CHECK_FALSE(policy.read(file_ref((l.secrets / "dir-out" / "shadow").string())).is_ok());
  // A Kubernetes Secret volume: name -> ..data/name, ..data -> ..2026_12_06/.
  fs::create_directory(l.secrets / "..2026_12_06");
  l.root.write("secrets/..2026_12_06/voxbone", "k8s-secret\n");
  fs::create_directory_symlink("..2026_12_06", l.secrets / "..data");
  fs::create_symlink("..data/voxbone", l.secrets / "voxbone");
  CHECK(policy.read(file_ref((l.secrets / "voxbone").string())).value() == "k8s-secret");
  // The secrets directory may itself be reached through a symlink.
  fs::create_directory_symlink(l.secrets, l.root.path() / "secrets-link");
  auto via_link = policy_for({(l.root.path() / "secrets-link").string()});
  CHECK(via_link.read(file_ref(l.secret.string())).value() == "inside-secret");
  CHECK(via_link.read(file_ref((l.root.path() / "secrets-link" / "orange").string())).value() == "inside-secret");
}

TEST_CASE("relative paths and control characters in paths are refused") {
  Layout l;
  auto policy = policy_for({l.secrets.string()});
  CHECK(policy.check(file_ref("orange")).message().find("not an absolute path") != std::string::npos);
  CHECK_FALSE(policy.check(file_ref("secrets/orange")).is_ok());
  CHECK(policy.check(file_ref(l.secret.string() + "\n")).message().find("control character") != std::string::npos);
  CHECK_FALSE(policy.check(file_ref(l.secret.string() + std::string("\0/../../shadow", 14))).is_ok());
  CHECK_FALSE(policy.check(file_ref(l.secrets.string() + "/" + std::string(5000, 'a'))).is_ok());
}

TEST_CASE("a FIFO or a device or an oversized file is refused and never waited on") {
  Layout l;
  auto policy = policy_for({l.secrets.string()});
  REQUIRE(::mkfifo((l.secrets / "fifo").c_str(), 0600) == 0);
  CHECK(policy.read(file_ref((l.secrets / "fifo").string())).status().message().find("not a regular file") !=
        std::string::npos);
  fs::create_symlink("/dev/zero", l.secrets / "zero");  // leaves the directory: refused before opening
  CHECK_FALSE(policy.read(file_ref((l.secrets / "zero").string())).is_ok());
  l.root.write("secrets/big", std::string(kMaxSecretFileBytes + 1, 'x'));
  CHECK(policy.read(file_ref((l.secrets / "big").string())).status().message().find("larger than") != std::string::npos);
}

TEST_CASE("c4confd's own secret files are refused even inside a secrets directory") {
  Layout l;
  auto token = l.root.write("secrets/admin-token", "admin-token-value\n");
  auto policy = policy_for({l.secrets.string()}, "C4_SECRET_", {token.string()});
  auto r = policy.read(file_ref(token.string()));
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message().find("c4confd's own secret files") != std::string::npos);
  CHECK(policy.read(file_ref(l.secret.string())).is_ok());
}

TEST_CASE("secrets directories are checked at start-up") {
  Layout l;
  auto missing = SecretPolicy::create({{(l.root.path() / "nope").string()}, "C4_SECRET_", {}},
                                      SecretPolicy::Dirs::must_exist);
  CHECK(missing.status().message().find("--secrets-dir") != std::string::npos);
  // validate in CI: a directory of the server may be missing here; paths are checked as written.
  auto ci = SecretPolicy::create({{"/nonexistent/c4confd/secrets"}, "C4_SECRET_", {}}, SecretPolicy::Dirs::may_be_missing);
  REQUIRE(ci.is_ok());
  CHECK(ci->check(file_ref("/nonexistent/c4confd/secrets/orange")).is_ok());
  CHECK_FALSE(ci->check(file_ref("/nonexistent/c4confd/secrets/../../../etc/shadow")).is_ok());
  CHECK_FALSE(SecretPolicy::create({{l.secret.string()}, "C4_SECRET_", {}}, SecretPolicy::Dirs::must_exist).is_ok());
  CHECK(SecretPolicy::create({{"/"}, "C4_SECRET_", {}}, SecretPolicy::Dirs::must_exist).status().message().find("root") !=
        std::string::npos);
  CHECK_FALSE(SecretPolicy::create({{"/tmp/.."}, "C4_SECRET_", {}}, SecretPolicy::Dirs::must_exist).is_ok());
}

TEST_CASE("validation reports every refused reference at its file line and pointer") {
  auto report = test::validate_text(R"(apiVersion: c4confd/v1
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
    passwordFrom: {file: /etc/shadow}
    registrarProxy: reg.orange.example
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p1, tenant: acme}
spec:
  host: pbx.acme.example
  allowedSources: [192.0.2.10]
  username: p1
  passwordFrom: {env: C4CONFD_DATABASE_URL}
  digestRealm: pbx.acme.example
)");
  std::vector<std::string> errors;
  for (const auto& p : report.problems.items())
    if (p.severity == Problem::Severity::error) errors.push_back(p.to_text());
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("test.yaml:18:") == 0);
  CHECK(errors[0].find("CarrierTrunk acme/t1 /spec/registration/passwordFrom/file: passwordFrom.file \"/etc/shadow\" "
                       "is refused: no --secrets-dir is configured") != std::string::npos);
  CHECK(errors[1].find("test.yaml:28:") == 0);
  CHECK(errors[1].find("IPBX acme/p1 /spec/passwordFrom/env:") != std::string::npos);
  CHECK(errors[1].find("c4confd's own settings") != std::string::npos);
}

TEST_CASE("a plain password or ha1 of the wrong type or form is never echoed in a problem") {
  auto report = test::validate_with_base(R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec: {host: pbx2.acme.example, allowedSources: [192.0.2.20], username: p2, password: 987654321, digestRealm: r}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p3, tenant: acme}
spec: {host: pbx3.acme.example, allowedSources: [192.0.2.30], username: p3, ha1: Ha1-Secret-Not-Hex-0042, digestRealm: r}
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec:
  carrier: orange
  sipProxy: sbc.orange.example
  allowedSources: [203.0.113.20]
  registration: {username: u, password: [List-Secret-77], registrarProxy: reg.orange.example}
)");
  std::string text = test::problem_text(report);
  INFO(text);
  CHECK(report.problems.error_count() == 3);
  CHECK(text.find("/spec/password: expected a string, found an integer") != std::string::npos);
  CHECK(text.find("987654321") == std::string::npos);
  CHECK(text.find("Ha1-Secret") == std::string::npos);
  CHECK(text.find("List-Secret") == std::string::npos);
}

}  // namespace c4
