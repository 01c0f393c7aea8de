// reconciler/plan_against: the pull-request check's fast path (file results kept on disk by a
// FileValidationStore, the base revision read without cross-file checks) finds exactly what a
// full validation of the pull request's revision finds, also when the change breaks a rule
// across files, and parses only the changed files.
#include "reconciler/plan_against.h"

#include <doctest/doctest.h>

#include <fstream>

#include "common/sha.h"
#include "model/file_validation_codec.h"
#include "model/loader.h"
#include "model/problem_rules.h"
#include "test_support.h"

namespace c4 {
namespace {

using test::source;

const SchemaSet& schemas() {
  static auto set = SchemaSet::builtin();
  REQUIRE(set.is_ok());
  return **set;
}

// A file as a Git source gives it: with a content id (here the SHA-256 of the text).
SourceText blob(std::string path, std::string text) {
  SourceText s = source(std::move(path), std::move(text));
  s.content_id = sha256_hex(s.text);
  return s;
}

DesiredRevision revision(std::string id, std::vector<SourceText> files) {
  DesiredRevision r;
  r.commit.id = std::move(id);
  r.files = std::move(files);
  return r;
}

std::string did(const std::string& name, const std::string& ipbx, const std::string& numbers) {
  return "apiVersion: c4confd/v1\nkind: DID\nmetadata: {name: " + name + ", tenant: acme}\nspec:\n  ipbx: " + ipbx +
         "\n  numbers: [" + numbers + "]\n";
}

const char* kSecondPbx = R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: pbx2, tenant: acme}
spec: {host: 192.0.2.20, allowedSources: [192.0.2.20]}
)";

// The base revision of the pull requests below: every file valid.
std::vector<SourceText> base_files() {
  return {blob("base.yaml", test::base_manifests()), blob("pbx2.yaml", kSecondPbx),
          blob("dids/a.yaml", did("a", "pbx2", "\"+33140000000\", \"+33140000001\"")),
          blob("dids/b.yaml", did("b", "pbx1", "\"+33150000000\""))};
}

// `files` with the file at `path` replaced by `text` (or removed when `text` is empty).
std::vector<SourceText> changed(std::vector<SourceText> files, const std::string& path, const std::string& text) {
  std::erase_if(files, [&](const SourceText& f) { return f.path == path; });
  if (!text.empty()) files.push_back(blob(path, text));
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return files;
}

std::string problem_lines(const Problems& problems) {
  std::string out;
  for (const auto& p : problems.items()) out += p.to_text() + "\n";
  return out;
}

// Runs the check of `pull` against the base twice over one store: the first run fills it (as
// the cold CI run does), the second is the one compared. Returns the second.
RevisionPlan checked_warm(const test::TempDir& dir, const std::vector<SourceText>& pull) {
  auto store = FileValidationStore::open(dir.path() / "store", {});
  REQUIRE(store.is_ok());
  DesiredRevision base = revision("base", base_files()), desired = revision("pull", pull);
  REQUIRE(plan_against(desired, base, schemas(), {}, SecretPolicy(), &store.value()).is_ok());
  auto again = FileValidationStore::open(dir.path() / "store", {});
  REQUIRE(again.is_ok());
  auto result = plan_against(desired, base, schemas(), {}, SecretPolicy(), &again.value());
  REQUIRE(result.is_ok());
  return std::move(result.value());
}

// The fast path's problems equal a full validation's, and it parsed nothing.
void check_same_as_full_validation(const std::vector<SourceText>& pull, std::string_view expected_rule) {
  test::TempDir dir;
  RevisionPlan fast = checked_warm(dir, pull);
  ValidationReport full = validate_sources(pull, schemas(), 1);
  CHECK(fast.files_parsed == 0);
  CHECK(problem_lines(fast.problems) == problem_lines(full.problems));
  CHECK(fast.problems.has_errors());
  CHECK_FALSE(fast.plan.has_value());
  bool found = false;
  for (const auto& p : fast.problems.items()) found = found || p.rule == expected_rule;
  CHECK_MESSAGE(found, problem_lines(fast.problems));
}

TEST_CASE("plan against: a changed file claiming a number of an unchanged file is reported as by a full validation") {
  auto pull = changed(base_files(), "dids/b.yaml", did("b", "pbx1", "\"+33150000000\", \"+33140000001\""));
  check_same_as_full_validation(pull, rules::kNumberClaimed);
}

TEST_CASE("plan against: a changed file referring to a missing object is reported as by a full validation") {
  auto pull = changed(base_files(), "dids/b.yaml", did("b", "nope", "\"+33150000000\""));
  check_same_as_full_validation(pull, rules::kReference);
}

TEST_CASE("plan against: deleting an object an unchanged file refers to is reported as by a full validation") {
  auto pull = changed(base_files(), "pbx2.yaml", "");
  check_same_as_full_validation(pull, rules::kReference);
}

TEST_CASE("plan against: a warm run parses only the changed file and plans as a run without a store") {
  auto pull = changed(base_files(), "dids/b.yaml", did("b", "pbx1", "\"+33150000000\", \"+33150000001\""));
  DesiredRevision base = revision("base", base_files()), desired = revision("pull", pull);
  auto cold = plan_against(desired, base, schemas(), {}, SecretPolicy(), nullptr);
  REQUIRE(cold.is_ok());
  CHECK(cold->files_parsed == 5);  // four base files, and the changed one

  test::TempDir dir;
  auto store = FileValidationStore::open(dir.path(), {});
  REQUIRE(store.is_ok());
  REQUIRE(plan_against(revision("base", base_files()), base, schemas(), {}, SecretPolicy(), &store.value()).is_ok());
  auto warm_store = FileValidationStore::open(dir.path(), {});
  REQUIRE(warm_store.is_ok());
  auto warm = plan_against(desired, base, schemas(), {}, SecretPolicy(), &warm_store.value());
  REQUIRE(warm.is_ok());
  CHECK(warm->files_parsed == 1);
  REQUIRE(cold->plan.has_value());
  REQUIRE(warm->plan.has_value());
  CHECK(plan_to_text(*warm->plan) == plan_to_text(*cold->plan));
  CHECK(plan_to_text(*warm->plan).find("~ update DID acme/b") != std::string::npos);
  CHECK(problem_lines(warm->problems) == problem_lines(cold->problems));
}

TEST_CASE("plan against: a stored result that is corrupt or truncated is parsed again, never trusted") {
  test::TempDir dir;
  auto pull = changed(base_files(), "dids/b.yaml", did("b", "nope", "\"+33140000000\""));
  RevisionPlan first = checked_warm(dir, pull);
  size_t damaged = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "store")) {
    std::string bytes;
    {
      std::ifstream in(entry.path(), std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    // Half the entries cut short, the others with a byte of their last tenth flipped.
    if (damaged % 2 == 0) bytes.resize(bytes.size() / 2);
    else bytes[bytes.size() - 1 - bytes.size() / 10] ^= 0x5a;
    std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << bytes;
    ++damaged;
  }
  REQUIRE(damaged >= 5);
  auto store = FileValidationStore::open(dir.path() / "store", {});
  REQUIRE(store.is_ok());
  auto again = plan_against(revision("pull", pull), revision("base", base_files()), schemas(), {}, SecretPolicy(),
                            &store.value());
  REQUIRE(again.is_ok());
  CHECK(again->files_parsed >= 3);  // at least every truncated entry
  CHECK(problem_lines(again->problems) == problem_lines(first.problems));
  CHECK(problem_lines(again->problems) == problem_lines(validate_sources(pull, schemas(), 1).problems));
}

TEST_CASE("plan against: results kept under other limits are not used") {
  test::TempDir dir;
  checked_warm(dir, base_files());
  Limits other;
  other.max_yaml_nodes = 1000;
  auto store = FileValidationStore::open(dir.path() / "store", other);
  REQUIRE(store.is_ok());
  auto run = plan_against(revision("pull", base_files()), revision("base", base_files()), schemas(), other,
                          SecretPolicy(), &store.value());
  REQUIRE(run.is_ok());
  CHECK(run->files_parsed == 4);
}

// Every object and problem of the examples/ tree, through encode and decode: nothing lost
// (the decoded result encodes to the same bytes, validates and plans the same).
TEST_CASE("file validation codec: the examples round-trip with every object, position and problem") {
  auto files = read_manifest_tree(std::filesystem::path(C4_SOURCE_DIR) / "examples");
  REQUIRE(files.is_ok());
  // And problems of each stage: YAML, schema (an object known but invalid), a reference.
  files->push_back(source("zz/broken.yaml", "a: [1\n"));
  files->push_back(source("zz/schema.yaml", "apiVersion: c4confd/v1\nkind: DID\nmetadata: {name: x, tenant: acme}\n"
                                            "spec: {ipbx: 1, numbers: [\"+1\"]}\n"));
  files->push_back(source("zz/dangling.yaml", did("y", "nope", "\"+33999000111\"")));
  FileValidationCache direct, decoded;
  for (auto& f : *files) f.content_id = sha256_hex(f.text);
  ValidationReport original = validate_sources(*files, schemas(), 1, &direct);
  size_t objects = 0;
  for (const auto& [key, result] : direct.entries()) {
    std::string bytes = encode_file_validation(*result);
    auto back = decode_file_validation(bytes);
    REQUIRE(back.has_value());
    CHECK(encode_file_validation(*back) == bytes);
    CHECK(back->documents == result->documents);
    objects += back->catalog.object_count();
    decoded.insert(key, std::make_shared<const FileValidation>(std::move(*back)));
  }
  CHECK(objects > 20);
  ValidationReport again = validate_sources(*files, schemas(), 1, &decoded);
  CHECK(problem_lines(again.problems) == problem_lines(original.problems));
  CHECK(again.problems.items().size() >= 3);
  auto plan = make_plan(again.catalog, catalog_objects(original.catalog), catalog_fetcher(original.catalog));
  REQUIRE(plan.is_ok());
  CHECK(plan->empty());
  CHECK(again.catalog.object_count() == original.catalog.object_count());
}

TEST_CASE("file validation codec: every truncation and hostile bytes are refused without a crash") {
  FileValidationCache cache;
  validate_sources(base_files(), schemas(), 1, &cache);
  REQUIRE_FALSE(cache.entries().empty());
  std::string bytes = encode_file_validation(*cache.entries().begin()->second);
  for (size_t n = 0; n < bytes.size(); ++n) CHECK_FALSE(decode_file_validation(bytes.substr(0, n)).has_value());
  CHECK_FALSE(decode_file_validation(bytes + std::string(1, '\0')).has_value());
  CHECK_FALSE(decode_file_validation(std::string("C4FV\x01\0\0\0\xff\xff\xff\xff", 12)).has_value());
  // Every single byte set to 0xff: lengths become huge, enums out of range; refused or read
  // as another well-formed result, never a crash or an allocation of gigabytes.
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string hostile = bytes;
    hostile[i] = '\xff';
    (void)decode_file_validation(hostile);
  }
}

}  // namespace
}  // namespace c4
