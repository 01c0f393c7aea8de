// model/number_set: numbers claimed by more than one DID entry.
//
// Every DID document here has the same shape, so the claim of the k-th document (0-based)
// is on line 6 + 7k of test.yaml:
//   apiVersion / kind / metadata / spec: / ipbx / <claim line> / ---
#include "model/number_set.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace c4 {
namespace {

using test::problem_text;

std::string did(const std::string& name, const std::string& claim, const std::string& tenant = "acme",
                const std::string& ipbx = "pbx1") {
  return "apiVersion: c4confd/v1\nkind: DID\nmetadata: {name: " + name + ", tenant: " + tenant +
         "}\nspec:\n  ipbx: " + ipbx + "\n  " + claim + "\n";
}

std::string docs(const std::vector<std::string>& documents) {
  std::string out;
  for (size_t i = 0; i < documents.size(); ++i) out += (i ? "---\n" : "") + documents[i];
  return out;
}

ValidationReport check(const std::vector<std::string>& documents) {
  return test::validate_with_base(docs(documents));
}

const char* kLagoonFile = R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: lagoon}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: pbx-roma, tenant: lagoon}
spec: {host: 192.0.2.50, allowedSources: [192.0.2.50]}
)";

TEST_CASE("the same number in two DIDs is reported at the second") {
  auto r = check({did("a", R"(numbers: ["+33140000005"])"), did("b", R"(numbers: ["+33140000005"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:13: error: DID acme/b /spec/numbers/0: number +33140000005 is already claimed by number "
        "+33140000005 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("the same number twice in one DID is reported") {
  auto r = check({did("a", R"(numbers: ["+33140000005", "+33140000006", "+33140000005"])")});
  CHECK(problem_text(r) ==
        "test.yaml:6:45: error: DID acme/a /spec/numbers/2: number +33140000005 is already claimed by number "
        "+33140000005 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("partially overlapping ranges report the later range and the first shared number") {
  auto r = check({did("a", R"(ranges: [{from: "+33140000100", to: "+33140000199"}])"),
                  did("b", R"(ranges: [{from: "+33140000190", to: "+33140000299"}])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:12: error: DID acme/b /spec/ranges/0: range +33140000190..+33140000299 includes +33140000190, "
        "already claimed by range +33140000100..+33140000199 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("a later range overlapping the start of an earlier range is reported") {
  auto r = check({did("a", R"(ranges: [{from: "+33140000100", to: "+33140000199"}])"),
                  did("b", R"(ranges: [{from: "+33140000000", to: "+33140000100"}])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:12: error: DID acme/b /spec/ranges/0: range +33140000000..+33140000100 includes +33140000100, "
        "already claimed by range +33140000100..+33140000199 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("a number inside an earlier range is reported") {
  auto r = check({did("a", R"(ranges: [{from: "+33140000100", to: "+33140000199"}])"),
                  did("b", R"(numbers: ["+33140000150"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:13: error: DID acme/b /spec/numbers/0: number +33140000150 is already claimed by range "
        "+33140000100..+33140000199 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("a range written over an earlier number is the one reported") {
  auto r = check({did("a", R"(numbers: ["+33140000150"])"),
                  did("b", R"(ranges: [{from: "+33140000100", to: "+33140000199"}])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:12: error: DID acme/b /spec/ranges/0: range +33140000100..+33140000199 includes +33140000150, "
        "already claimed by number +33140000150 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("a prefix nested in an earlier prefix is reported") {
  auto r = check({did("a", R"(prefixes: ["+3316"])"), did("b", R"(prefixes: ["+331612"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:14: error: DID acme/b /spec/prefixes/0: prefix +331612 is already claimed by prefix "
        "+3316 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("a shorter prefix written over an earlier longer one is reported") {
  auto r = check({did("a", R"(prefixes: ["+33170"])"), did("b", R"(prefixes: ["+3317"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:14: error: DID acme/b /spec/prefixes/0: prefix +3317 is already claimed by prefix "
        "+33170 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("the same prefix in two DIDs is reported") {
  auto r = check({did("a", R"(prefixes: ["+3316"])"), did("b", R"(prefixes: ["+3316"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:14: error: DID acme/b /spec/prefixes/0: prefix +3316 is already claimed by prefix "
        "+3316 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("a number under an earlier prefix is reported") {
  auto r = check({did("a", R"(prefixes: ["+3316"])"), did("b", R"(numbers: ["+33160000000"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:13: error: DID acme/b /spec/numbers/0: number +33160000000 is already claimed by prefix +3316 of "
        "DID acme/a at test.yaml:6\n");
}

TEST_CASE("a prefix written over an earlier number is the one reported") {
  auto r = check({did("a", R"(numbers: ["+33160000000"])"), did("b", R"(prefixes: ["+3316"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:14: error: DID acme/b /spec/prefixes/0: prefix +3316 includes +33160000000, already claimed by "
        "number +33160000000 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("a range crossing into a prefix names the first number under the prefix") {
  auto r = check({did("a", R"(prefixes: ["+3317"])"),
                  did("b", R"(ranges: [{from: "+33169999990", to: "+33170000010"}])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:12: error: DID acme/b /spec/ranges/0: range +33169999990..+33170000010 includes +33170000000, "
        "already claimed by prefix +3317 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("a range that stops just before a prefix does not overlap it") {
  auto r = check({did("a", R"(prefixes: ["+3317"])"),
                  did("b", R"(ranges: [{from: "+33169999990", to: "+33169999999"}])")});
  CHECK(problem_text(r) == "");
}

TEST_CASE("adjacent ranges do not overlap") {
  auto r = check({did("a", R"(ranges: [{from: "+33140000000", to: "+33140000099"}])"),
                  did("b", R"(ranges: [{from: "+33140000100", to: "+33140000199"}])"),
                  did("c", R"(numbers: ["+33140000200"])")});
  CHECK(problem_text(r) == "");
}

TEST_CASE("numbers of different lengths never overlap") {
  auto r = check({did("a", R"(ranges: [{from: "+33140000000", to: "+33149999999"}])"),
                  did("b", R"(numbers: ["+3314000000", "+331400000000", "+331499999999"])"),
                  did("c", R"(ranges: [{from: "+331400000000", to: "+331400000999"}])")});
  // b's 12-digit numbers do overlap c's 12-digit range; nothing else does.
  CHECK(problem_text(r) ==
        "test.yaml:20:12: error: DID acme/c /spec/ranges/0: range +331400000000..+331400000999 includes "
        "+331400000000, already claimed by number +331400000000 of DID acme/b at test.yaml:13\n");
}

TEST_CASE("a prefix claims numbers of every length that start with it") {
  auto r = check({did("a", R"(prefixes: ["+3314"])"),
                  did("b", R"(numbers: ["+331400"])"),
                  did("c", R"(numbers: ["+331499999999999"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:13: error: DID acme/b /spec/numbers/0: number +331400 is already claimed by prefix +3314 of DID "
        "acme/a at test.yaml:6\n"
        "test.yaml:20:13: error: DID acme/c /spec/numbers/0: number +331499999999999 is already claimed by prefix "
        "+3314 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("an entry overlapping many earlier claims is reported once") {
  auto r = check({did("a", R"(numbers: ["+33140000100", "+33140000101", "+33140000102", "+33140000500"])"),
                  did("b", R"(ranges: [{from: "+33140000300", to: "+33140000400"}])"),
                  did("c", R"(prefixes: ["+331400009"])"),
                  did("d", R"(ranges: [{from: "+33140000000", to: "+33140000999"}])")});
  CHECK(problem_text(r) ==
        "test.yaml:27:12: error: DID acme/d /spec/ranges/0: range +33140000000..+33140000999 includes +33140000100, "
        "already claimed by number +33140000100 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("every later entry is reported on its own") {
  auto r = check({did("a", R"(ranges: [{from: "+33140000000", to: "+33140000999"}])"),
                  did("b", R"(numbers: ["+33140000001", "+33140000002", "+33150000000"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:13: error: DID acme/b /spec/numbers/0: number +33140000001 is already claimed by range "
        "+33140000000..+33140000999 of DID acme/a at test.yaml:6\n"
        "test.yaml:13:29: error: DID acme/b /spec/numbers/1: number +33140000002 is already claimed by range "
        "+33140000000..+33140000999 of DID acme/a at test.yaml:6\n");
}

TEST_CASE("claims are compared across files and tenants") {
  auto r = test::validate_texts({test::source("base.yaml", test::base_manifests()),
                                 test::source("lagoon.yaml", kLagoonFile),
                                 test::source("a.yaml", did("roma", R"(prefixes: ["+3906"])", "lagoon", "pbx-roma")),
                                 test::source("b.yaml", did("paris", R"(numbers: ["+390612345678"])"))});
  CHECK(problem_text(r) ==
        "b.yaml:6:13: error: DID acme/paris /spec/numbers/0: number +390612345678 is already claimed by prefix +3906 "
        "of DID lagoon/roma at a.yaml:6\n");
}

TEST_CASE("regex claims are not compared") {
  auto r = check({did("a", R"(regex: '^\+3314.*$')"), did("b", R"(numbers: ["+33140000000"])")});
  CHECK(problem_text(r) == "");
}

TEST_CASE("a number under an earlier prefix is reported when a later shorter prefix also holds it") {
  // a: +33170 (first), b: a number under it, c: +3317 written last. b claims a number a claims.
  auto r = check({did("a", R"(prefixes: ["+33170"])"), did("b", R"(numbers: ["+33170000001"])"),
                  did("c", R"(prefixes: ["+3317"])")});
  std::string text = problem_text(r);
  CHECK(text.find("test.yaml:13:13: error: DID acme/b /spec/numbers/0: number +33170000001 is already claimed by "
                  "prefix +33170 of DID acme/a at test.yaml:6\n") != std::string::npos);
  CHECK(text.find("test.yaml:20:14: error: DID acme/c /spec/prefixes/0: ") != std::string::npos);
}

TEST_CASE("a range over two prefixes is reported against the earlier prefix") {
  // a: +3317 (first), b: a range over +3316 and +3317, c: +3316 written last.
  auto r = check({did("a", R"(prefixes: ["+3317"])"),
                  did("b", R"(ranges: [{from: "+33160000000", to: "+33179999999"}])"),
                  did("c", R"(prefixes: ["+3316"])")});
  std::string text = problem_text(r);
  CHECK(text.find("test.yaml:13:12: error: DID acme/b /spec/ranges/0: range +33160000000..+33179999999 includes "
                  "+33170000000, already claimed by prefix +3317 of DID acme/a at test.yaml:6\n") != std::string::npos);
  CHECK(text.find("test.yaml:20:14: error: DID acme/c /spec/prefixes/0: ") != std::string::npos);
}

TEST_CASE("a prefix inside a range that also covers an earlier prefix is reported") {
  // a: +3316 (first), b: a range over +3316 and +3317, c: +3317 written last.
  auto r = check({did("a", R"(prefixes: ["+3316"])"),
                  did("b", R"(ranges: [{from: "+33160000000", to: "+33179999999"}])"),
                  did("c", R"(prefixes: ["+3317"])")});
  CHECK(problem_text(r) ==
        "test.yaml:13:12: error: DID acme/b /spec/ranges/0: range +33160000000..+33179999999 includes +33160000000, "
        "already claimed by prefix +3316 of DID acme/a at test.yaml:6\n"
        "test.yaml:20:14: error: DID acme/c /spec/prefixes/0: prefix +3317 includes +33170000000, already claimed by "
        "range +33160000000..+33179999999 of DID acme/b at test.yaml:13\n");
}

TEST_CASE("check_number_claims on a hand-built catalog") {
  Catalog catalog;
  auto make = [](const std::string& name, uint64_t value) {
    DID d;
    d.meta.kind = Kind::DID;
    d.meta.name = name;
    d.meta.tenant = "acme";
    d.meta.file = "hand.yaml";
    d.numbers.push_back({E164{value, 11}, SourcePos{4, 5}});
    return d;
  };
  catalog.all<DID>().push_back(make("x", 33140000000));
  catalog.all<DID>().push_back(make("y", 33140000000));
  catalog.all<DID>().push_back(make("z", 33140000001));
  Problems problems;
  check_number_claims(catalog, problems);
  REQUIRE(problems.items().size() == 1u);
  CHECK(problems.items()[0].to_text() ==
        "hand.yaml:4:5: error: DID acme/y /spec/numbers/0: number +33140000000 is already claimed by number "
        "+33140000000 of DID acme/x at hand.yaml:4");
}

}  // namespace
}  // namespace c4
