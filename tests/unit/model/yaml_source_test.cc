// model/yaml_source: documents with positions, JSON pointers into YAML.
#include "model/yaml_source.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace c4 {
namespace {

std::string pos(SourcePos p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

YAML::Node load(const std::string& text) { return YAML::Load(text); }

const char* kDoc = R"(apiVersion: c4confd/v1
kind: DID
metadata:
  name: block
  tenant: acme
spec:
  ipbx: pbx1
  numbers:
    - "+33140000000"
    - "+33140000001"
  ranges: [{from: "+33150000000", to: "+33150000099"}]
  "a/b": slash
  "m~n": tilde
)";

TEST_CASE("parse_documents returns every document with its file and start line") {
  Problems problems;
  auto docs = parse_documents(test::source("dir/x.yaml", "a: 1\n---\nb: 2\nc: 3\n---\n# note\nd: 4\n"), problems);
  CHECK(problems.empty());
  REQUIRE(docs.size() == 3u);
  CHECK(docs[0].file == "dir/x.yaml");
  CHECK(pos(docs[0].pos) == "1:1");
  CHECK(pos(docs[1].pos) == "3:1");
  CHECK(pos(docs[2].pos) == "7:1");
  CHECK(docs[1].root["c"].as<int>() == 3);
  CHECK(docs[2].root["d"].as<int>() == 4);
}

TEST_CASE("parse_documents skips empty documents") {
  Problems problems;
  auto docs = parse_documents(test::source("x.yaml", "---\n---\n# only a comment\n---\na: 1\n---\n"), problems);
  CHECK(problems.empty());
  REQUIRE(docs.size() == 1u);
  CHECK(pos(docs[0].pos) == "5:1");
  CHECK(docs[0].root["a"].as<int>() == 1);
  CHECK(parse_documents(test::source("e.yaml", ""), problems).empty());
  CHECK(parse_documents(test::source("e.yaml", "# nothing\n"), problems).empty());
  CHECK(problems.empty());
}

TEST_CASE("yaml syntax error gives one problem at file and line") {
  Problems problems;
  auto docs = parse_documents(test::source("bad.yaml", "a: 1\n---\nmetadata: {name: x, tenant: acme\nspec: {}\n"), problems);
  CHECK(docs.empty());  // the whole file is rejected
  REQUIRE(problems.items().size() == 1u);
  const Problem& p = problems.items()[0];
  CHECK(p.file == "bad.yaml");
  CHECK(p.pos.line == 4);
  CHECK(p.severity == Problem::Severity::error);
  CHECK(p.to_text() == "bad.yaml:4:5: error: invalid YAML: end of map flow not found");
}

TEST_CASE("a stray comma yaml-cpp 0.7 would loop on forever is a syntax error at its position") {
  // yaml-cpp issue 1040 (model/yaml_loop_guard.h); found by the manifest fuzzer.
  for (const auto& entry : {std::pair<std::string, std::string>{",", "1:1"},
                             {", tenant: ", "1:1"},
                             {"a: 1\n---\n,\n", "3:1"},
                             {"a: 1\n---\nb: 2\n---\n  , x\n", "5:3"}}) {  // no structured binding: a lambda takes it (clang 14)
    const std::string& text = entry.first;
    const std::string& where = entry.second;
    Problems problems;
    CHECK(parse_documents(test::source("loop.yaml", text), problems).empty());
    REQUIRE(problems.items().size() == 1u);
    const Problem& p = problems.items()[0];
    CHECK_MESSAGE(pos(p.pos) == where, text);
    CHECK(p.message.rfind("invalid YAML: ", 0) == 0);
  }
}

TEST_CASE("a manifest that is not UTF-8 text is refused at its first bad byte") {
  // Found by the manifest fuzzer: such bytes reached valijson's length count (out of bounds).
  for (const auto& entry : {std::pair<std::string, std::string>{"a: caf\xe9\n", "1:7"},
                             {"a: 1\nb: sbc\xb1\xb1.example\n", "2:7"},
                             {"a: \xed\xa0\x80\n", "1:4"},
                             {"a: \xc0\xaf\n", "1:4"}}) {  // no structured binding: a lambda takes it (clang 14)
    const std::string& text = entry.first;
    const std::string& where = entry.second;
    Problems problems;
    CHECK(parse_documents(test::source("enc.yaml", text), problems).empty());
    REQUIRE(problems.items().size() == 1u);
    CHECK_MESSAGE(pos(problems.items()[0].pos) == where, text);
    CHECK(problems.items()[0].message.rfind("invalid YAML: not UTF-8 text (byte 0x", 0) == 0);
  }
  Problems problems;
  CHECK(parse_documents(test::source("ok.yaml", "a: Zoë 日本語 🎉\n"), problems).size() == 1u);
  CHECK(problems.empty());
}

TEST_CASE("yaml indentation error is located on its line") {
  Problems problems;
  parse_documents(test::source("bad.yaml", "apiVersion: c4confd/v1\nkind: Carrier\n  bad: indent\n"), problems);
  REQUIRE(problems.items().size() == 1u);
  CHECK(problems.items()[0].to_text() == "bad.yaml:3:6: error: invalid YAML: illegal map value");
}

TEST_CASE("a tab in indentation is named as the syntax error") {
  Problems problems;
  parse_documents(test::source("tab.yaml", "a: 1\nb:\n\tc: 2\n"), problems);
  REQUIRE(problems.items().size() == 1u);
  CHECK(problems.items()[0].to_text() ==
        "tab.yaml:3:1: error: invalid YAML: tab character in indentation (YAML indents with spaces only)");
}

TEST_CASE("a tab inside a block scalar does not hide a later syntax error") {
  // Line 7 is block-scalar text: four spaces of indentation, then a tab that is part of the
  // text (valid YAML). The real error is the unclosed list of line 8.
  Problems problems;
  parse_documents(test::source("t.yaml", "apiVersion: c4confd/v1\nkind: Carrier\nmetadata: {name: c9, tenant: acme}\nspec:\n"
                             "  description: |\n    first\n    \tsecond\n  contact: [unclosed\n"),
                  problems);
  REQUIRE(problems.items().size() == 1u);
  CHECK(problems.items()[0].to_text() == "t.yaml:9:1: error: invalid YAML: end of sequence flow not found");
}

TEST_CASE("a tab inside a block scalar is valid yaml") {
  Problems problems;
  auto docs = parse_documents(test::source("t.yaml", "text: |\n  first\n  \tsecond\n"), problems);
  CHECK(problems.empty());
  REQUIRE(docs.size() == 1u);
  CHECK(docs[0].root["text"].Scalar() == "first\n\tsecond\n");
}

TEST_CASE("position_at gives the position of a mapping key") {
  YAML::Node root = load(kDoc);
  CHECK(pos(position_at(root, "/apiVersion")) == "1:1");
  CHECK(pos(position_at(root, "/metadata")) == "3:1");
  CHECK(pos(position_at(root, "/metadata/tenant")) == "5:3");
  CHECK(pos(position_at(root, "/spec/ipbx")) == "7:3");
}

TEST_CASE("position_at of the empty pointer is the document itself") {
  YAML::Node root = load("\n\nkey: value\n");
  CHECK(pos(position_at(root, "")) == "3:1");
}

TEST_CASE("position_at gives the position of list items") {
  YAML::Node root = load(kDoc);
  CHECK(pos(position_at(root, "/spec/numbers/0")) == "9:7");
  CHECK(pos(position_at(root, "/spec/numbers/1")) == "10:7");
  CHECK(pos(position_at(root, "/spec/ranges/0")) == "11:12");
  CHECK(pos(position_at(root, "/spec/ranges/0/to")) == "11:35");
}

TEST_CASE("position_at of a missing path gives the deepest node that exists") {
  YAML::Node root = load(kDoc);
  CHECK(pos(position_at(root, "/spec/nothing")) == "6:1");
  CHECK(pos(position_at(root, "/spec/nothing/deeper/still")) == "6:1");
  CHECK(pos(position_at(root, "/spec/numbers/7")) == "8:3");
  CHECK(pos(position_at(root, "/spec/numbers/x")) == "8:3");
  CHECK(pos(position_at(root, "/spec/ipbx/0")) == "7:3");  // a scalar has no children
  CHECK(pos(position_at(root, "/nothing")) == "1:1");
}

TEST_CASE("json pointer escapes select keys holding slash and tilde") {
  YAML::Node root = load(kDoc);
  CHECK(pos(position_at(root, "/spec/a~1b")) == "12:3");
  CHECK(pos(position_at(root, "/spec/m~0n")) == "13:3");
  CHECK(node_at(root, "/spec/a~1b").Scalar() == "slash");
  CHECK(node_at(root, "/spec/m~0n").Scalar() == "tilde");
  CHECK_FALSE(node_at(root, "/spec/a/b").IsDefined());
}

TEST_CASE("pointer_append escapes tilde and slash") {
  CHECK(pointer_append("", "spec") == "/spec");
  CHECK(pointer_append("/spec", "a/b") == "/spec/a~1b");
  CHECK(pointer_append("/spec", "m~n") == "/spec/m~0n");
  CHECK(pointer_append("/spec", "~/") == "/spec/~0~1");
  CHECK(pointer_append("/spec/numbers", size_t{3}) == "/spec/numbers/3");
  // What pointer_append writes, node_at reads back.
  YAML::Node root = load("\"~/\": {\"x/~y\": found}\n");
  CHECK(node_at(root, pointer_append(pointer_append("", "~/"), "x/~y")).Scalar() == "found");
}

TEST_CASE("node_at returns the node at a pointer") {
  YAML::Node root = load(kDoc);
  CHECK(node_at(root, "/kind").Scalar() == "DID");
  CHECK(node_at(root, "/spec/numbers/1").Scalar() == "+33140000001");
  CHECK(node_at(root, "/spec/ranges/0/from").Scalar() == "+33150000000");
  CHECK(node_at(root, "/spec/numbers").IsSequence());
  CHECK(node_at(root, "").IsMap());
}

TEST_CASE("node_at of a missing path is undefined") {
  YAML::Node root = load(kDoc);
  CHECK_FALSE(node_at(root, "/spec/nothing").IsDefined());
  CHECK_FALSE(node_at(root, "/spec/nothing/deeper").IsDefined());
  CHECK_FALSE(node_at(root, "/spec/numbers/2").IsDefined());
  CHECK_FALSE(node_at(root, "/spec/numbers/-1").IsDefined());
  CHECK_FALSE(node_at(root, "/kind/0").IsDefined());
}

TEST_CASE("position_at and node_at leave the document unchanged") {
  YAML::Node root = load(kDoc);
  const std::string before = YAML::Dump(root);
  for (const char* pointer : {"", "/spec", "/spec/numbers/1", "/spec/ranges/0/to", "/metadata/name",
                              "/spec/nothing/deeper", "/spec/numbers/9", "/spec/a~1b", "/kind/0"}) {
    CAPTURE(pointer);
    position_at(root, pointer);
    YAML::Node n = node_at(root, pointer);
    CHECK(YAML::Dump(root) == before);
  }
  // The walk must not have re-pointed any child either.
  CHECK(root["spec"]["numbers"][0].Scalar() == "+33140000000");
  CHECK(root["metadata"]["name"].Scalar() == "block");
  CHECK(root["kind"].Scalar() == "DID");
}

TEST_CASE("documents from parse_documents are unchanged by pointer walks") {
  Problems problems;
  auto docs = parse_documents(test::source("x.yaml", kDoc), problems);
  REQUIRE(docs.size() == 1u);
  const std::string before = YAML::Dump(docs[0].root);
  position_at(docs[0].root, "/spec/numbers/1");
  node_at(docs[0].root, "/spec/ranges/0");
  position_at(docs[0].root, "/metadata/tenant");
  CHECK(YAML::Dump(docs[0].root) == before);
}

TEST_CASE("position_of an undefined node is unknown") {
  YAML::Node root = load("a: 1\n");
  CHECK(pos(position_of(root["nope"])) == "0:0");
  CHECK(pos(position_of(YAML::Node())) == "0:0");
}

}  // namespace
}  // namespace c4
