// validate --output github and --output sarif (model/problem_reports.h), and the rule each
// check gives its problems.
#include <algorithm>
#include <set>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "model/problem_reports.h"
#include "model/problem_rules.h"
#include "test_support.h"

namespace c4 {
namespace {

Problem problem(std::string file, uint32_t line, uint32_t column, std::string message, std::string rule = "schema") {
  Problem p;
  p.file = std::move(file);
  p.pos = {line, column};
  p.object = {"DID", "acme", "main"};
  p.pointer = "/spec/ipbx";
  p.message = std::move(message);
  p.rule = std::move(rule);
  return p;
}

TEST_CASE("github output is one workflow command per problem at file, line and column") {
  Problems problems;
  problems.add(problem("tenants/acme/dids.yaml", 12, 8, "references IPBX \"x\", which does not exist", "reference"));
  Problem warning = problem("a.yaml", 0, 0, "careful");
  warning.severity = Problem::Severity::warning;
  problems.add(warning);
  CHECK(problems_to_github(problems, "manifests/") ==
        "::error file=manifests/tenants/acme/dids.yaml,line=12,col=8,title=c4confd reference%3A DID acme/main "
        "/spec/ipbx::references IPBX \"x\", which does not exist\n"
        "::warning file=manifests/a.yaml,title=c4confd schema%3A DID acme/main /spec/ipbx::careful\n");
}

TEST_CASE("github output escapes %, CR and LF in messages and also , and : in properties") {
  CHECK(github_escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d");
  CHECK(github_escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d");
  Problems problems;
  // A hostile file name and message cannot end the command nor start another on a new line.
  problems.add(problem("x,line=1::\n::error file=forged.yaml::pwned\x1b[31m", 1, 1, "m\n::error::forged"));
  std::string out = problems_to_github(problems, "");
  CHECK(out ==
        "::error file=x%2Cline=1%3A%3A%0A%3A%3Aerror file=forged.yaml%3A%3Apwned\\x1b[31m,line=1,col=1,"
        "title=c4confd schema%3A DID acme/main /spec/ipbx::m%0A::error::forged\n");
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}

TEST_CASE("sarif output is a SARIF 2.1.0 log with one rule per check and regions") {
  Problems problems;
  problems.add(problem("tenants/a b.yaml", 3, 5, "bad", "reference"));
  problems.add(problem("b.yaml", 0, 0, "unknown", ""));
  auto log = problems_to_sarif(problems, "m/", "1.2.3");
  CHECK(log["version"] == "2.1.0");
  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  const auto& run = log["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "c4confd");
  CHECK(run["tool"]["driver"]["version"] == "1.2.3");
  const auto& rules = run["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == rules::kAllRules.size());
  std::set<std::string> ids;
  for (const auto& r : rules) ids.insert(r["id"].get<std::string>());
  CHECK(ids.size() == rules.size());
  const auto& first = run["results"][0];
  CHECK(first["ruleId"] == "reference");
  CHECK(rules[first["ruleIndex"].get<size_t>()]["id"] == "reference");
  CHECK(first["level"] == "error");
  CHECK(first["message"]["text"] == "bad");
  const auto& location = first["locations"][0]["physicalLocation"];
  CHECK(location["artifactLocation"]["uri"] == "m/tenants/a%20b.yaml");
  CHECK(location["region"] == nlohmann::json{{"startLine", 3}, {"startColumn", 5}});
  CHECK(first["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "DID acme/main /spec/ipbx");
  const auto& second = run["results"][1];
  CHECK(second["ruleId"] == "manifest");
  CHECK_FALSE(second["locations"][0]["physicalLocation"].contains("region"));
}

TEST_CASE("each check names its rule on the problems it finds") {
  // The rule of the first error of `text` (validated alone, or after base_manifests()).
  auto rule_of = [](const std::string& text, bool with_base = false) {
    auto report = with_base ? test::validate_with_base(text) : test::validate_text(text);
    for (const auto& p : report.problems.items())
      if (p.severity == Problem::Severity::error) return p.rule;
    return std::string("no error");
  };
  CHECK(rule_of("a: [") == rules::kYaml);
  CHECK(rule_of("apiVersion: c4confd/v1\nkind: Nope\nmetadata: {name: x}\n") == rules::kHeader);
  CHECK(rule_of("apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: x}\nspec: {colour: 1}\n") == rules::kSchema);
  CHECK(rule_of("apiVersion: c4confd/v1\nkind: DID\nmetadata: {name: d, tenant: acme}\n"
                "spec: {ipbx: nowhere, numbers: [\"+33140000001\"]}\n",
                true) == rules::kReference);
  CHECK(rule_of("apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: x}\n---\n"
                "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: x}\n") == rules::kDuplicateObject);
}

}  // namespace
}  // namespace c4
