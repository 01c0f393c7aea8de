// c4confd schemas export DIR: the JSON Schemas for editors, with stable $ids.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "model/schema_set.h"
#include "test_support.h"

namespace c4 {
namespace {

int run(const std::string& args) {
  int status = std::system(("env -i PATH=/usr/bin:/bin '" + std::string(C4_BINARY) + "' " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::ordered_json read_json(const std::filesystem::path& p) {
  std::ifstream in(p);
  return nlohmann::ordered_json::parse(in);
}

TEST_CASE("schemas export writes every schema with a stable id that its relative references resolve against") {
  test::TempDir dir;
  auto out = dir.path() / "a/schemas";
  REQUIRE(run("schemas export '" + out.string() + "'") == 0);
  size_t files = 0;
  for (const auto& [name, text] : embedded_schemas()) {
    const std::string file = name;  // a copy: clang 14 lets no lambda take a binding
    CAPTURE(file);
    auto exported = read_json(out / name);
    auto original = nlohmann::ordered_json::parse(text);
    CHECK(exported["$id"] == "https://schemas.c4confd.example/v1/" + name);
    CHECK(exported.begin().key() == "$schema");  // "$id" right after it, as editors expect
    exported.erase("$id");
    CHECK(exported == original);  // nothing else changed
    ++files;
  }
  CHECK(files == embedded_schemas().size());
  CHECK(files >= 12);
  // Every relative $ref names a file that was written beside it.
  std::string did = read_json(out / "did.json").dump();
  CHECK(did.find("\"$ref\":\"common.json#/definitions/tenantMetadata\"") != std::string::npos);
  CHECK(std::filesystem::exists(out / "common.json"));

  // The same again gives the same bytes; --base-url changes only the ids.
  std::ifstream first(out / "did.json");
  std::string before((std::istreambuf_iterator<char>(first)), std::istreambuf_iterator<char>());
  REQUIRE(run("schemas export '" + out.string() + "'") == 0);
  std::ifstream second(out / "did.json");
  CHECK(std::string((std::istreambuf_iterator<char>(second)), std::istreambuf_iterator<char>()) == before);
  REQUIRE(run("schemas export --base-url https://example.net/s '" + out.string() + "'") == 0);
  CHECK(read_json(out / "tenant.json")["$id"] == "https://example.net/s/tenant.json");
  CHECK(std::distance(std::filesystem::directory_iterator(out), std::filesystem::directory_iterator()) ==
        static_cast<long>(files));  // no temporary file left behind
}

TEST_CASE("schemas without export DIR is a usage error and an unwritable DIR an error") {
  CHECK(run("schemas") == 64);
  CHECK(run("schemas export") == 64);
  CHECK(run("schemas import /tmp/x") == 64);
  test::TempDir dir;
  auto file = dir.write("file", "x");
  CHECK(run("schemas export '" + (file / "sub").string() + "'") == 1);
}

}  // namespace
}  // namespace c4
