// The c4confd binary end to end: `c4confd validate` as operators and CI run it.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace c4 {
namespace {

struct Run {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs the c4confd binary with `args` (already quoted where needed) and optional environment
// settings ("NAME=value "), capturing stdout, stderr and the exit status.
Run run(const std::string& args, const std::string& env = "") {
  test::TempDir scratch;
  auto err_path = scratch.path() / "stderr";
  // The caller's own C4CONFD_* settings must not leak into what is being tested.
  std::string cmd = "env -u C4CONFD_OUTPUT -u C4CONFD_QUIET -u C4CONFD_THREADS " + env + quote(C4_BINARY) + " " +
                    args + " 2>" + quote(err_path.string());
  Run r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_path);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

const std::string kExamples = C4_SOURCE_DIR "/examples";

// The last line of `text` (without its newline).
std::string last_line(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

const char* kInvalidTree = R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: acme}
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: lonely, tenant: acme}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: orange, tenant: acme}
spec: {colour: blue}
)";

TEST_CASE("validate --help exits 0 and describes every option") {
  Run r = run("validate --help");
  CHECK(r.status == 0);
  CHECK(r.out.rfind("Usage: c4confd validate [OPTIONS] PATH\n", 0) == 0);
  for (const char* needle : {"--output FORMAT", "--quiet", "--threads N", "C4CONFD_OUTPUT", "C4CONFD_QUIET",
                             "C4CONFD_THREADS", "Default: text.", "Exit status: 0 valid"}) {
    CAPTURE(needle);
    CHECK(r.out.find(needle) != std::string::npos);
  }
}

TEST_CASE("top-level help lists the validate command") {
  Run r = run("--help");
  CHECK(r.status == 0);
  CHECK(r.out.find("  validate    Checks every manifest under PATH") != std::string::npos);
  Run none = run("");
  CHECK(none.status == 64);
}

TEST_CASE("validate of a missing path exits 2 and says why") {
  test::TempDir dir;
  std::string missing = (dir.path() / "nowhere").string();
  Run r = run("validate " + quote(missing));
  CHECK(r.status == 2);
  CHECK(r.out == "");
  CHECK(r.err == "c4confd validate: " + missing + ": no such file or directory\n");
}

TEST_CASE("validate of the examples exits 0") {
  Run r = run("validate " + quote(kExamples));
  CHECK(r.status == 0);
  CHECK(r.err == "");
  std::string summary = last_line(r.out);
  CHECK(summary.rfind(kExamples + ": valid: ", 0) == 0);
  CHECK(summary.find("; 0 errors, 0 warnings") != std::string::npos);
  CHECK(r.out == summary + "\n");  // no problem lines
}

TEST_CASE("validate of the examples in json is an empty array") {
  Run r = run("validate --output json " + quote(kExamples));
  CHECK(r.status == 0);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j == nlohmann::json::array());
}

TEST_CASE("validate with problems exits 1 and prints one line each then a summary") {
  test::TempDir dir;
  dir.write("all.yaml", kInvalidTree);
  Run r = run("validate " + quote(dir.path().string()));
  CHECK(r.status == 1);
  CHECK(r.out ==
        "all.yaml:7:12: warning: RoutingGroup acme/lonely /metadata/name: routing group has no RoutingRule, so "
        "outbound calls that use it get no route\n"
        "all.yaml:12:8: error: Carrier acme/orange /spec/colour: unknown field \"colour\" (allowed here: contact, "
        "description)\n" +
            dir.path().string() +
            ": INVALID: 1 files, 2 objects (1 Tenant, 1 RoutingGroup), 0 numbers in lists and ranges; 1 error, 1 "
            "warning\n");
}

TEST_CASE("validate --quiet prints errors but not warnings") {
  test::TempDir dir;
  dir.write("all.yaml", kInvalidTree);
  Run r = run("validate --quiet " + quote(dir.path().string()));
  CHECK(r.status == 1);
  CHECK(r.out.find("warning: RoutingGroup") == std::string::npos);
  CHECK(r.out.find("all.yaml:12:8: error: Carrier acme/orange /spec/colour") != std::string::npos);
}

TEST_CASE("validate --output json gives an array of problem objects") {
  test::TempDir dir;
  dir.write("all.yaml", kInvalidTree);
  Run r = run("validate --output json " + quote(dir.path().string()));
  CHECK(r.status == 1);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2u);
  for (const auto& p : j) {
    CHECK(p.is_object());
    CHECK(p.size() == 10u);
    for (const char* key : {"file", "line", "column", "pointer", "kind", "tenant", "name", "severity", "message", "rule"}) {
      CAPTURE(key);
      CHECK(p.contains(key));
    }
  }
  CHECK(j[1] == nlohmann::json{{"file", "all.yaml"},
                               {"line", 12},
                               {"column", 8},
                               {"pointer", "/spec/colour"},
                               {"kind", "Carrier"},
                               {"tenant", "acme"},
                               {"name", "orange"},
                               {"severity", "error"},
                               {"message", "unknown field \"colour\" (allowed here: contact, description)"},
                               {"rule", "schema"}});
  CHECK(j[0]["severity"] == "warning");
  CHECK(j[0]["line"] == 7);
}

TEST_CASE("validate reads the output format from C4CONFD_OUTPUT") {
  test::TempDir dir;
  dir.write("all.yaml", kInvalidTree);
  Run r = run("validate " + quote(dir.path().string()), "C4CONFD_OUTPUT=json ");
  CHECK(r.status == 1);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  CHECK(j.size() == 2u);
}

TEST_CASE("validate of a single file names the file in problems") {
  test::TempDir dir;
  auto file = dir.write("sub/all.yaml", kInvalidTree);
  Run r = run("validate --quiet " + quote(file.string()));
  CHECK(r.status == 1);
  CHECK(r.out.rfind("all.yaml:12:8: error: Carrier acme/orange /spec/colour: ", 0) == 0);
}

TEST_CASE("validate rejects bad usage with exit 64, the usage status") {
  Run unknown = run("validate --verbose " + quote(kExamples));
  CHECK(unknown.status == 64);
  CHECK(unknown.err == "c4confd validate: unknown option --verbose for 'validate' (see c4confd validate --help)\n");

  Run format = run("validate --output xml " + quote(kExamples));
  CHECK(format.status == 64);
  CHECK(format.err == "c4confd validate: --output must be text, json, github or sarif, not \"xml\"\n");

  Run two = run("validate " + quote(kExamples) + " " + quote(kExamples));
  CHECK(two.status == 64);
  CHECK(two.err.rfind("c4confd validate: expected one PATH (a directory or a file), got 2\n", 0) == 0);

  Run none = run("validate");
  CHECK(none.status == 64);

  Run threads = run("validate --threads many " + quote(kExamples));
  CHECK(threads.status == 64);
  CHECK(threads.err == "c4confd validate: --threads must be a number, not \"many\"\n");

  Run command = run("frobnicate");
  CHECK(command.status == 64);
  CHECK(command.err == "c4confd: unknown command \"frobnicate\" (see c4confd --help)\n");
}

TEST_CASE("validate gives the same output with one thread and with four") {
  Run one = run("validate --threads 1 " + quote(kExamples));
  Run four = run("validate --threads=4 " + quote(kExamples));
  CHECK(one.status == 0);
  CHECK(four.out == one.out);
}

}  // namespace
}  // namespace c4

namespace c4 {
namespace {

TEST_CASE("validate --output github annotates each problem and --sarif-file writes the SARIF log") {
  test::TempDir dir;
  auto file = dir.write("manifests/tenants/acme.yaml", kInvalidTree);
  auto sarif_path = dir.path() / "out.sarif";
  // PATH under $GITHUB_WORKSPACE (the checkout): annotations name files from that root.
  Run r = run("validate --output github --sarif-file " + quote(sarif_path.string()) + " " +
                  quote((dir.path() / "manifests").string()),
              "GITHUB_WORKSPACE=" + quote(dir.path().string()) + " ");
  CHECK(r.status == 1);
  CHECK(r.out ==
        "::warning file=manifests/tenants/acme.yaml,line=7,col=12,title=c4confd routing%3A RoutingGroup acme/lonely "
        "/metadata/name::routing group has no RoutingRule, so outbound calls that use it get no route\n"
        "::error file=manifests/tenants/acme.yaml,line=12,col=8,title=c4confd schema%3A Carrier acme/orange "
        "/spec/colour::unknown field \"colour\" (allowed here: contact, description)\n");
  std::ifstream in(sarif_path);
  auto log = nlohmann::json::parse(in);
  CHECK(log["version"] == "2.1.0");
  bool found = false;
  for (const auto& result : log["runs"][0]["results"]) {
    const auto& where = result["locations"][0]["physicalLocation"];
    if (where["artifactLocation"]["uri"] == "manifests/tenants/acme.yaml" && where["region"]["startLine"] == 12 &&
        result["ruleId"] == "schema")
      found = true;
  }
  CHECK(found);
  Run sarif = run("validate --output sarif " + quote(file.string()));
  CHECK(sarif.status == 1);
  CHECK(nlohmann::json::parse(sarif.out)["runs"][0]["results"].size() == log["runs"][0]["results"].size());
}

}  // namespace
}  // namespace c4
