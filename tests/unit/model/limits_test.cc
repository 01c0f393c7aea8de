// A manifest cannot exhaust the service (model/limits.h): YAML alias expansion, nodes per
// document, deep nesting, bytes per file and per revision, numbers per revision, symbolic
// links in directory mode and control characters in file names.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "common/escape.h"
#include "model/limits.h"
#include "model/loader.h"
#include "model/yaml_json.h"
#include "model/yaml_source.h"
#include "test_support.h"

namespace c4 {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The classic "billion laughs": 9 levels of 10 aliases each expand to 10^9 strings.
std::string billion_laughs() {
  std::string s = "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: lol}\nspec:\n  l0: &l0 \"lol\"\n";
  for (int level = 1; level <= 9; ++level) {
    s += "  l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) s += (i ? ", *l" : "*l") + std::to_string(level - 1);
    s += "]\n";
  }
  return s;
}

std::vector<Problem> parse_problems(const std::string& text, const Limits& limits = {}) {
  Problems problems;
  auto docs = parse_documents(test::source("lol.yaml", text), problems, limits);
  CHECK(docs.empty());
  return problems.items();
}

}  // namespace

TEST_CASE("a billion laughs document is refused fast at the alias that crosses --max-alias-expansions") {
  auto started = std::chrono::steady_clock::now();
  auto problems = parse_problems(billion_laughs());
  auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(problems.size() == 1);
  // Level 5 holds 10^5 strings: its aliases cross 100,000 on line 10 (l5's line).
  CHECK(problems[0].to_text().rfind("lol.yaml:10:", 0) == 0);
  CHECK(problems[0].message.find("--max-alias-expansions") != std::string::npos);
  CHECK(elapsed < 2s);
  MESSAGE("billion laughs refused in " << std::chrono::duration<double, std::milli>(elapsed).count() << " ms");
}

TEST_CASE("the same aliases within --max-alias-expansions convert to JSON with every node") {
  std::string text = "a: &a [x, y]\nb: [*a, *a, *a]\n";
  Problems problems;
  Limits limits;
  limits.max_alias_expansions = 9;  // three aliases of three nodes each
  auto docs = parse_documents(test::source("ok.yaml", text), problems, limits);
  REQUIRE(problems.empty());
  REQUIRE(docs.size() == 1);
  CHECK(yaml_to_json(docs[0].root, "ok.yaml", problems).dump() == R"({"a":["x","y"],"b":[["x","y"],["x","y"],["x","y"]]})");
  limits.max_alias_expansions = 8;
  auto refused = parse_problems(text, limits);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].pos.line == 2);
  CHECK(refused[0].pos.column == 13);  // the third alias
}

TEST_CASE("a document over --max-yaml-nodes is refused at the node that crosses the limit") {
  std::string text = "a: b\n---\nlist:\n";
  for (int i = 0; i < 300; ++i) text += "  - " + std::to_string(i) + "\n";
  Limits limits;
  limits.max_yaml_nodes = 200;
  auto problems = parse_problems(text, limits);
  REQUIRE(problems.size() == 1);
  // Document 2: mapping, key, list = 3 nodes; item i is node 4 + i, so item 197 (line 201) is node 201.
  CHECK(problems[0].to_text() ==
        "lol.yaml:201:5: error: document 2 of this file has more than 200 nodes, aliases expanded "
        "(--max-yaml-nodes); the limit is crossed here");
  // Aliases count as the nodes they expand to.
  auto aliased = parse_problems("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a]\n", [] {
    Limits l;
    l.max_yaml_nodes = 40;
    return l;
  }());
  REQUIRE(aliased.size() == 1);
  CHECK(aliased[0].pos.line == 2);
  CHECK(aliased[0].message.find("--max-yaml-nodes") != std::string::npos);
}

TEST_CASE("an alias that refers to the node containing it is refused and not expanded forever") {
  auto problems = parse_problems("spec: &s {self: *s}\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pos.line == 1);
  CHECK(problems[0].message.find("refers to a node that contains it") != std::string::npos);
}

TEST_CASE("a hundred thousand levels of nesting are a YAML error at file:line and not a stack overflow") {
  for (std::string text : {"a: " + std::string(100000, '[') + std::string(100000, ']') + "\n",
                           std::string(100000, '[') + "\n", [] {
                             std::string s;
                             for (int i = 0; i < 2000; ++i) s += std::string(static_cast<size_t>(i), ' ') + "- \n";
                             return s;
                           }()}) {
    auto problems = parse_problems(text);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].pos.line >= 1);
    CHECK(problems[0].message.rfind("invalid YAML", 0) == 0);
  }
  // 400 levels are within the parser's limit and convert (and validate) without trouble.
  std::string deep = "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: deep, labels: {x: " +
                     std::string(400, '[') + std::string(400, ']') + "}}\n";
  auto report = test::validate_text(deep);
  CHECK_FALSE(report.ok());  // a label must be a string; what matters is that it got there
}

TEST_CASE("decide_reads refuses a file over --max-file-bytes and stops at the file crossing --max-revision-bytes") {
  Limits limits;
  limits.max_file_bytes = 100;
  limits.max_revision_bytes = 249;
  auto d = decide_reads({50, 101, 100, 100, 10, 10}, limits);
  REQUIRE(d.size() == 6);
  CHECK(d[0].read);
  CHECK_FALSE(d[1].read);
  CHECK(d[1].refused.find("the file is 101 bytes, over the limit of 100 bytes per file (--max-file-bytes)") == 0);
  CHECK(d[2].read);  // 150 so far: the refused file does not count
  CHECK_FALSE(d[3].read);  // 50 + 100 + 100 = 250: over 249
  CHECK(d[3].refused.find("--max-revision-bytes") != std::string::npos);
  CHECK(d[3].refused.find("it and the 2 files after it were not read") != std::string::npos);
  CHECK(d[4].omitted);
  CHECK(d[5].omitted);
}

TEST_CASE("a directory's file over --max-file-bytes is reported at file:1 and never read") {
  test::TempDir dir;
  dir.write("a.yaml", test::base_manifests());
  dir.write("big.yaml", std::string(5000, '#'));
  Limits limits;
  limits.max_file_bytes = 4096;
  auto files = read_manifest_tree(dir.path(), limits);
  REQUIRE(files.is_ok());
  REQUIRE(files->size() == 2);
  CHECK((*files)[1].text.empty());
  auto schemas = SchemaSet::builtin();
  auto report = validate_sources(*files, **schemas, 1, nullptr, limits);
  CHECK(test::problem_text(report) ==
        "big.yaml:1: error: the file is 5,000 bytes, over the limit of 4,096 bytes per file (--max-file-bytes); it "
        "was not read\n");
}

TEST_CASE("numbers in ranges count toward --max-numbers and the error names the range") {
  auto report = test::validate_with_base(R"(apiVersion: c4confd/v1
kind: DID
metadata: {name: everything, tenant: acme}
spec:
  ipbx: pbx1
  numbers: ["+33140000001"]
  ranges:
    - {from: "+33140000100", to: "+33140000199"}
    - {from: "+33200000000", to: "+33999999999"}
)");
  CHECK(test::problem_text(report) ==
        "test.yaml:9:7: error: DID acme/everything /spec/ranges/1: the DIDs of this revision claim more than "
        "100,000,000 numbers, counting every number of every range (--max-numbers); the limit is crossed here\n");
}

TEST_CASE("directory mode does not follow symbolic links to files or directories and warns at their path") {
  test::TempDir outside;
  outside.write("secret.yaml", "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: from-outside}\n");
  outside.write("sub/more.yaml", "not: [valid\n");
  test::TempDir dir;
  dir.write("a.yaml", test::base_manifests());
  fs::create_symlink(outside.path() / "secret.yaml", dir.path() / "link.yaml");
  fs::create_directory_symlink(outside.path() / "sub", dir.path() / "linked-dir");
  auto files = read_manifest_tree(dir.path());
  REQUIRE(files.is_ok());
  REQUIRE(files->size() == 2);
  CHECK((*files)[1].path == "link.yaml");
  CHECK((*files)[1].text.empty());
  auto schemas = SchemaSet::builtin();
  auto report = validate_sources(*files, **schemas, 1);
  CHECK(report.ok());
  CHECK(report.catalog.find<Tenant>("", "from-outside") == nullptr);
  CHECK(test::problem_text(report) ==
        "link.yaml:1: warning: a symbolic link is not followed: a manifest must be a regular file (skipped)\n");
}

TEST_CASE("control characters and bytes that are not UTF-8 in a file name are escaped in text output") {
  Problem p;
  p.file = "evil\n\x1b[31mok.yaml:1: error: forged\\x\xff.yaml";
  p.pos = {3, 1};
  p.message = "bad \x9b value \xe2\x80\xae";
  CHECK(p.to_text() ==
        "evil\\n\\x1b[31mok.yaml:1: error: forged\\\\x\\xff.yaml:3:1: error: bad \\x9b value \\u202e");
  CHECK(p.to_text().find('\n') == std::string::npos);
  // JSON stays JSON: control characters JSON-escaped, bytes that are not UTF-8 made text.
  nlohmann::json j = p.to_json();
  std::string dumped = j.dump();
  CHECK(dumped.find("evil\\n\\u001b[31mok.yaml") != std::string::npos);
  CHECK(j["file"] == "evil\n\x1b[31mok.yaml:1: error: forged\\x\\xff.yaml");
  CHECK(escape_for_text("caf\xc3\xa9 \xf0\x9f\x93\x9e") == "caf\xc3\xa9 \xf0\x9f\x93\x9e");  // UTF-8 stays
  CHECK(escape_for_text("\xc0\xaf\xed\xa0\x80") == "\\xc0\\xaf\\xed\\xa0\\x80");      // overlong, surrogate
  CHECK(escape_for_text("a\x7f\tb\r") == "a\\x7f\\tb\\r");
}

}  // namespace c4
