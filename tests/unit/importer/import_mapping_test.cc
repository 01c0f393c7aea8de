// The importer's pieces without a database: old number regexes, names, the report, COPY lines,
// YAML that round-trips whatever the old data holds, and the all-or-nothing tree writer.
#include <yaml-cpp/yaml.h>

#include "importer/copy_rows.h"
#include "importer/import_report.h"
#include "importer/importer.h"
#include "importer/manifest_file.h"
#include "importer/names.h"
#include "importer/old_numbers.h"
#include "test_support.h"

namespace c4::importer {

TEST_CASE("old DID regexes become exact numbers, blocks, prefixes or plus-anchored regexes") {
  for (const char* exact : {"33140001234", "^33140001234$", "^\\+?33140001234$", "+33140001234"}) {
    CAPTURE(exact);
    auto p = read_did_regex(exact);
    REQUIRE(p.kind == DidPattern::Kind::exact);
    CHECK(p.number.to_string() == "+33140001234");
  }
  auto block = read_did_regex("^39041520\\d{4}$");
  REQUIRE(block.kind == DidPattern::Kind::range);
  CHECK(block.number.to_string() == "+390415200000");
  CHECK(block.last.to_string() == "+390415209999");
  CHECK(read_did_regex("^331400[0-9][0-9]$").kind == DidPattern::Kind::range);
  auto prefix = read_did_regex("^3314.*");
  REQUIRE(prefix.kind == DidPattern::Kind::prefix);
  CHECK(prefix.prefix == "+3314");
  auto regex = read_did_regex("^39(0415|0416)99\\d\\d$");
  REQUIRE(regex.kind == DidPattern::Kind::regex);
  CHECK(regex.regex == "^\\+(?:39(0415|0416)99\\d\\d)$");
  // What cannot be carried: Python-only syntax, numbers that are not E.164.
  auto lookahead = read_did_regex("^(?!39)\\d+$");
  CHECK(lookahead.kind == DidPattern::Kind::invalid);
  CHECK(lookahead.why.find("RE2") != std::string::npos);
  CHECK(read_did_regex("0140001234").kind == DidPattern::Kind::invalid);
  CHECK(read_did_regex("1234567890123456").kind == DidPattern::Kind::invalid);
}

TEST_CASE("old rule regexes and replacements are rewritten for numbers with their plus") {
  std::string why;
  CHECK(plus_anchored_regex("^33([1-9][0-9]{8})$", &why) == "^\\+33([1-9][0-9]{8})$");
  CHECK(plus_anchored_regex("^\\+?33(.*)$", &why) == "^\\+33(.*)$");
  CHECK(plus_anchored_regex("33", &why) == "33");
  CHECK(!plus_anchored_regex("^(?<=x)1", &why));
  CHECK(re2_replacement("0\\g<1>", &why) == "0\\1");
  CHECK(re2_replacement("33\\1", &why) == "33\\1");
  CHECK(!re2_replacement("\\g<name>", &why));
  CHECK(why.find("\\g<name>") != std::string::npos);
  CHECK(e164_prefix("33", &why) == "+33");
  CHECK(!e164_prefix("0033", &why));
  CHECK(written_without_plus("^33140001234$"));
  CHECK(!written_without_plus("^\\+33140001234$"));
}

TEST_CASE("names are made of any old text and stay unique") {
  CHECK(slug("ACME Télécom") == "acme-t-l-com");
  CHECK(slug("\r\n\"--\"") == "");
  CHECK(slug("A - b---c") == "a-b-c");
  CHECK(slug(std::string(100, 'a')).size() == 64);
  NameBook book;
  CHECK(book.claim("Orange", "carrier-1", 1) == "orange");
  CHECK(book.claim("ORANGE ", "carrier-2", 2) == "orange-2");
  CHECK(book.claim("\r\n", "carrier-3", 3) == "carrier-3");
  CHECK(book.claim(std::string(80, 'x'), "c", 4).size() == 64);
  CHECK(book.claim(std::string(80, 'x'), "c", 5) == std::string(62, 'x') + "-5");
  CHECK(env_name("C4_SECRET_", {"acme", "ipbx", "lyon-pbx.1", "password"}) == "C4_SECRET_ACME_IPBX_LYON_PBX_1_PASSWORD");
}

TEST_CASE("the report merges rows with the same fate into id ranges") {
  ImportReport report;
  for (int64_t id : {5, 1, 2, 3, 9}) report.note("dids", id, "trunk not carried");
  report.unmapped("ipbx", 4, "bad host");
  auto lines = report.lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "unmapped: ipbx 4: bad host");
  CHECK(lines[1] == "note: dids 1-3, 5, 9: trunk not carried");
  CHECK(report.has_unmapped());
  CHECK(report.count(ImportReport::Severity::note) == 5);
}

TEST_CASE("COPY text lines decode escapes and NULL") {
  std::vector<std::optional<std::string>> fields;
  split_copy_line("1\t\\N\ta\\tb\\nc\\\\d\\r\t\t\\101\n", fields);
  REQUIRE(fields.size() == 5);
  CHECK(fields[0] == "1");
  CHECK(!fields[1]);
  CHECK(fields[2] == "a\tb\nc\\d\r");
  CHECK(fields[3] == "");
  CHECK(fields[4] == "A");
}

TEST_CASE("hostile old values are written as YAML that reads back unchanged") {
  const std::vector<std::string> hostile = {
      "line\r\nbreak", "\"quoted\" 'single'", "key: value", "- item", "*alias", "&anchor", "!!binary", "yes", "No",
      "~", "null", "", " leading space", "# not a comment", "---", "...", "tab\there", "ünïcødé €", "{[}]", "%TAG",
      "@at", "`tick", "0x1F", "1e3", "\x01\x7f", std::string(5000, 'z')};
  ManifestFile file("a comment");
  for (size_t i = 0; i < hostile.size(); ++i) {
    auto& out = file.begin("Carrier", "c" + std::to_string(i), "t", hostile[i]);
    put(out, "description", hostile[i]);
    file.end();
  }
  auto docs = YAML::LoadAll(file.text());
  REQUIRE(docs.size() == hostile.size());
  for (size_t i = 0; i < hostile.size(); ++i) {
    CAPTURE(i);
    CHECK(docs[i]["spec"]["description"].as<std::string>() == hostile[i]);
    CHECK(docs[i]["metadata"]["labels"]["legacy-id"].as<std::string>() == hostile[i]);
  }
}

TEST_CASE("the tree is written whole into an empty or new directory, or not at all") {
  test::TempDir dir;
  ManifestTree tree = {{"tenants/a/tenant.yaml", "x: 1\n"}, {"IMPORT-REPORT.txt", "r\n"}};
  CHECK(write_tree(tree, dir.path() / "new").is_ok());
  CHECK(std::filesystem::exists(dir.path() / "new/tenants/a/tenant.yaml"));
  std::filesystem::create_directories(dir.path() / "empty");
  CHECK(write_tree(tree, dir.path() / "empty").is_ok());
  CHECK(std::filesystem::exists(dir.path() / "empty/IMPORT-REPORT.txt"));
  auto busy = write_tree(tree, dir.path() / "new");
  CHECK(busy.code() == Status::Code::invalid);
  dir.write("file", "x");
  CHECK(!write_tree(tree, dir.path() / "file").is_ok());
  // A path that cannot be written: nothing is left behind, not even the temporary directory.
  ManifestTree bad = {{"a/ok.yaml", "x\n"}, {"a/ok.yaml/inside", "y\n"}};
  CHECK(!write_tree(bad, dir.path() / "bad").is_ok());
  CHECK(!std::filesystem::exists(dir.path() / "bad"));
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    CHECK(e.path().filename().string().rfind(".", 0) == std::string::npos);
}

}  // namespace c4::importer
