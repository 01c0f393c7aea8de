// `c4confd plan --against` (the pull-request check) over the real binary and a Git repository:
// the validation results it keeps beside the Git cache make a second run give the same
// answer, a pull request that breaks a rule in another file is refused as `validate` refuses
// it, and a damaged store changes nothing but the time.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "test_git_repo.h"

namespace c4 {
namespace {

namespace fs = std::filesystem;

struct Output {
  int exit = -1;
  std::string text;  // stdout and stderr
};

// Runs the binary through the shell (arguments are the test's own paths and revisions).
Output c4(const std::string& args) {
  std::string marker = "\nexit=";
  std::string out = test::shell("'" + std::string(C4_BINARY) + "' " + args + "; printf '" + "\\nexit=%d' $?");
  size_t at = out.rfind(marker);
  REQUIRE(at != std::string::npos);
  return {std::stoi(out.substr(at + marker.size())), out.substr(0, at)};
}

std::string plan(test::ManifestRepo& repo, const std::string& base) {
  return "plan --repo " + repo.url() + " --branch main --cache-dir '" + repo.scratch("cache").string() +
         "' --against " + base;
}

size_t entries(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".c4fv" ? 1 : 0;
  return n;
}

TEST_CASE("plan against: a number claimed again in another file fails the check on every run, as validate says") {
  test::ManifestRepo repo;
  std::string base = repo.git("rev-parse HEAD");
  // lyon.yaml, changed, claims a number of paris-hq.yaml, unchanged.
  repo.replace("tenants/acme/dids/lyon.yaml", "{from: \"+33472100000\", to: \"+33472100499\"}",
               "{from: \"+33472100000\", to: \"+33472100499\"}\n    - {from: \"+33140000005\", to: \"+33140000005\"}");
  repo.commit("lyon claims a paris number");
  Output first = c4(plan(repo, base));
  INFO(first.text);
  CHECK(first.exit == 1);
  CHECK(first.text.find("tenants/acme/dids/lyon.yaml") != std::string::npos);
  CHECK(first.text.find("already claimed by") != std::string::npos);
  fs::path store = repo.scratch("cache") / "c4confd-validation";
  CHECK(entries(store) > 5);

  Output second = c4(plan(repo, base));
  CHECK(second.exit == 1);
  CHECK(second.text == first.text);
  Output validate = c4("validate '" + repo.work().string() + "'");
  CHECK(validate.exit == 1);
  CHECK(validate.text.find(first.text.substr(0, first.text.find('\n'))) != std::string::npos);
}

TEST_CASE("plan against: a damaged validation store gives the same plan as a fresh one") {
  test::ManifestRepo repo;
  std::string base = repo.git("rev-parse HEAD");
  repo.replace("tenants/acme/dids/lyon.yaml", "+33472100499", "+33472100498");
  repo.commit("one number fewer");
  Output first = c4(plan(repo, base));
  INFO(first.text);
  CHECK(first.exit == 2);
  CHECK(first.text.find("update DID acme/lyon-main") != std::string::npos);
  fs::path store = repo.scratch("cache") / "c4confd-validation";
  REQUIRE(entries(store) > 5);
  for (const auto& e : fs::directory_iterator(store)) std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "C4FV";
  Output second = c4(plan(repo, base));
  CHECK(second.exit == 2);
  CHECK(second.text == first.text);
  Output third = c4(plan(repo, base));  // the store, rewritten by the second run
  CHECK(third.text == first.text);
}

}  // namespace
}  // namespace c4
