// model/loader: which files of a manifest tree are read, in which order, under which names.
#include "model/loader.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace c4 {
namespace {

using test::TempDir;

std::vector<std::string> paths_of(const std::vector<SourceText>& sources) {
  std::vector<std::string> out;
  for (const auto& s : sources) out.push_back(s.path);
  return out;
}

TEST_CASE("read_manifest_tree reads only yaml and yml files") {
  TempDir dir;
  dir.write("a.yaml", "a: 1\n");
  dir.write("b.yml", "b: 2\n");
  dir.write("notes.txt", "not yaml\n");
  dir.write("README.md", "# readme\n");
  dir.write("c.yaml.bak", "c: 3\n");
  dir.write("d.json", "{}\n");
  auto sources = read_manifest_tree(dir.path());
  REQUIRE(sources.is_ok());
  CHECK(test::joined(paths_of(*sources)) == "a.yaml\nb.yml\n");
  CHECK((*sources)[0].text == "a: 1\n");
  CHECK((*sources)[1].text == "b: 2\n");
}

TEST_CASE("read_manifest_tree skips hidden files and hidden directories") {
  TempDir dir;
  dir.write("tenant.yaml", "x: 1\n");
  dir.write(".hidden.yaml", "x: 2\n");
  dir.write(".git/config.yaml", "x: 3\n");
  dir.write(".git/objects/deep.yaml", "x: 4\n");
  dir.write("sub/.secret.yml", "x: 5\n");
  dir.write("sub/.cache/x.yaml", "x: 6\n");
  dir.write("sub/ok.yaml", "x: 7\n");
  auto sources = read_manifest_tree(dir.path());
  REQUIRE(sources.is_ok());
  CHECK(test::joined(paths_of(*sources)) == "sub/ok.yaml\ntenant.yaml\n");
}

TEST_CASE("read_manifest_tree gives relative paths in sorted order") {
  TempDir dir;
  dir.write("tenants/lagoon/tenant.yaml", "l: 1\n");
  dir.write("tokens.yaml", "t: 1\n");
  dir.write("tenants/acme/dids/paris.yaml", "p: 1\n");
  dir.write("tenants/acme/tenant.yaml", "a: 1\n");
  dir.write("tenants/acme/carriers/orange.yml", "o: 1\n");
  auto sources = read_manifest_tree(dir.path());
  REQUIRE(sources.is_ok());
  CHECK(test::joined(paths_of(*sources)) ==
        "tenants/acme/carriers/orange.yml\n"
        "tenants/acme/dids/paris.yaml\n"
        "tenants/acme/tenant.yaml\n"
        "tenants/lagoon/tenant.yaml\n"
        "tokens.yaml\n");
  CHECK((*sources)[1].text == "p: 1\n");
}

TEST_CASE("read_manifest_tree of an empty directory reads nothing") {
  TempDir dir;
  auto sources = read_manifest_tree(dir.path());
  REQUIRE(sources.is_ok());
  CHECK(sources->empty());
}

TEST_CASE("read_manifest_tree of a single file names it by its file name") {
  TempDir dir;
  auto file = dir.write("deep/dir/tenant.yaml", "kind: Tenant\n");
  auto sources = read_manifest_tree(file);
  REQUIRE(sources.is_ok());
  REQUIRE(sources->size() == 1u);
  CHECK((*sources)[0].path == "tenant.yaml");
  CHECK((*sources)[0].text == "kind: Tenant\n");
}

TEST_CASE("read_manifest_tree keeps file bytes exactly") {
  TempDir dir;
  std::string text = "a: \"caf\xc3\xa9\"\r\nb: 2\n\n";
  dir.write("x.yaml", text);
  auto sources = read_manifest_tree(dir.path());
  REQUIRE(sources.is_ok());
  REQUIRE(sources->size() == 1u);
  CHECK((*sources)[0].text == text);
}

TEST_CASE("read_manifest_tree of a missing path is invalid") {
  TempDir dir;
  auto missing = dir.path() / "does-not-exist";
  auto sources = read_manifest_tree(missing);
  REQUIRE_FALSE(sources.is_ok());
  CHECK(sources.status().code() == Status::Code::invalid);
  CHECK_FALSE(sources.status().retryable());
  CHECK(sources.status().message() == missing.string() + ": no such file or directory");
}

TEST_CASE("is_manifest_path accepts visible yaml paths only") {
  CHECK(is_manifest_path("a.yaml"));
  CHECK(is_manifest_path("dir/a.yml"));
  CHECK(is_manifest_path("./dir/a.yaml"));
  CHECK_FALSE(is_manifest_path("a.txt"));
  CHECK_FALSE(is_manifest_path("a.YAML.txt"));
  CHECK_FALSE(is_manifest_path(".a.yaml"));
  CHECK_FALSE(is_manifest_path(".git/a.yaml"));
  CHECK_FALSE(is_manifest_path("dir/.hidden/a.yaml"));
}

}  // namespace
}  // namespace c4
