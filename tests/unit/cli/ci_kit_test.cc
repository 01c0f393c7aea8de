// The CI kit a manifest repository copies (examples/ci/): each file's steps run with the real
// c4confd binary against a scratch Git repository, and the comment API calls go to a fake Git
// host on 127.0.0.1 (fake_git_host.h).
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "ci_steps.h"
#include "fake_git_host.h"
#include "test_git_repo.h"

namespace c4 {
namespace {

namespace fs = std::filesystem;

const fs::path kKit = fs::path(C4_SOURCE_DIR) / "examples/ci";
const std::string kDids = "tenants/acme/dids/paris-hq.yaml";
const std::string kMarker = "<!-- c4confd-plan -->";

// The manifest repository ("origin", branch main) and a clone checked out on a pull request
// branch, as actions/checkout and GitLab's runner leave it.
struct PullRequest {
  test::ManifestRepo origin;
  test::TempDir scratch;
  fs::path checkout = scratch.path() / "checkout";
  std::string base;

  PullRequest() {
    base = origin.head();
    origin.git("checkout -q -b change");
    // One file of the pull request: a DID moves to a new description and loses a number.
    origin.replace(kDids, "Direct lines ported in", "Direct lines ported in (reviewed)");
    origin.replace(kDids, "    - \"+33142000926\"\n", "");
    origin.commit("paris-hq: review the direct lines");
    origin.git("checkout -q main");
    test::shell("git clone -q " + test::shell_quote(origin.url()) + " " + test::shell_quote(checkout.string()));
    test::shell("git -C " + test::shell_quote(checkout.string()) + " checkout -q --detach origin/change");
  }
  // Another commit on the pull request, made in the checkout (a force-push, as far as the job sees).
  void amend(const std::string& rel, const std::string& from, const std::string& to) {
    std::ifstream in(checkout / rel);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    std::ofstream(checkout / rel, std::ios::binary) << text;
    test::shell("git -C " + test::shell_quote(checkout.string()) + " -c user.name=t -c user.email=t@example.org commit -qam amend");
  }
  // The variables every CI host sets, and a PATH that finds this build's c4confd first.
  test::Env host_env() const {
    auto bin = scratch.path() / "bin";
    fs::create_directories(bin);
    if (!fs::exists(bin / "c4confd")) fs::create_symlink(C4_BINARY, bin / "c4confd");
    fs::create_directories(scratch.path() / "home");
    return {{"PATH", bin.string() + ":/usr/local/bin:/usr/bin:/bin"}, {"HOME", (scratch.path() / "home").string()}};
  }
};

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

test::Env github_env(const PullRequest& pr, const test::FakeGitHost& host) {
  auto env = pr.host_env();
  auto runner_temp = pr.scratch.path() / "runner-temp";
  fs::create_directories(runner_temp);
  auto event = pr.scratch.write("event.json", R"({"pull_request": {"number": 7}})");
  env.insert({{"GITHUB_API_URL", host.url()}, {"GITHUB_REPOSITORY", "acme/manifests"}, {"GITHUB_EVENT_PATH", event.string()},
              {"GITHUB_BASE_REF", "main"}, {"GITHUB_WORKSPACE", pr.checkout.string()},
              {"GITHUB_OUTPUT", (runner_temp / "output").string()},
              {"GITHUB_STEP_SUMMARY", (runner_temp / "summary.md").string()}, {"RUNNER_TEMP", runner_temp.string()},
              {"GITHUB_TOKEN", test::FakeGitHost::kToken}});
  return env;
}

std::vector<test::StepRun> run_workflow(const PullRequest& pr, const test::FakeGitHost& host) {
  return test::run_github_job(kKit / ".github/workflows/c4confd-plan.yml", "plan", pr.checkout, github_env(pr, host),
                              pr.scratch);
}

// The bot's comments (those a workflow wrote), oldest first.
std::vector<test::FakeGitHost::Comment> bot_comments(const test::FakeGitHost& host) {
  std::vector<test::FakeGitHost::Comment> out;
  for (const auto& c : host.comments())
    if (c.author == test::FakeGitHost::kBot) out.push_back(c);
  return out;
}

void require_all_passed(const std::vector<test::StepRun>& runs, size_t expected_steps) {
  for (const auto& r : runs) {
    INFO(r.name << " exited " << r.status << ":\n" << r.output);
    CHECK(r.status == 0);
  }
  REQUIRE(runs.size() == expected_steps);
}

TEST_CASE("the GitHub workflow posts one plan comment and updates it on the next push") {
  PullRequest pr;
  test::FakeGitHost host;
  // Someone pasted the marker into their own comment: it must be neither taken nor edited.
  host.add("mallory", kMarker + "\nnot the plan");
  auto runs = run_workflow(pr, host);
  require_all_passed(runs, 4);  // tools, plan (validating), comment, verdict
  auto comments = bot_comments(host);
  REQUIRE(comments.size() == 1);
  const std::string& body = comments[0].body;
  CHECK(body.rfind(kMarker + "\n### c4confd plan: 1 change\n", 0) == 0);
  CHECK(body.find("compared with `" + pr.base.substr(0, 12) + "` (no database)") != std::string::npos);
  CHECK(body.find("| DID | 0 | 1 | 0 |") != std::string::npos);
  CHECK(body.find("| ✏️ update | DID `paris-hq-direct-lines` | `/spec/description`:") != std::string::npos);
  CHECK(body.find("`/spec/numbers/0`") == std::string::npos);  // a list diff, not index noise
  CHECK(read(pr.scratch.path() / "runner-temp/summary.md") == body);
  CHECK(read(pr.scratch.path() / "runner-temp/c4confd-plan.status") == "2\n");

  pr.amend(kDids, "(reviewed)", "(reviewed twice)");
  auto again = run_workflow(pr, host);
  require_all_passed(again, 4);
  auto after = bot_comments(host);
  REQUIRE(after.size() == 1);
  CHECK(after[0].id == comments[0].id);
  CHECK(host.edits() == 1);
  CHECK(after[0].body.find("reviewed twice") != std::string::npos);
  CHECK(host.comments().front().body == kMarker + "\nnot the plan");
}

TEST_CASE("the GitHub workflow annotates an invalid pull request, comments and fails") {
  PullRequest pr;
  test::FakeGitHost host;
  pr.amend(kDids, "ipbx: acme-paris-hq\n  numbers:", "ipbx: no-such-pbx\n  numbers:");
  auto runs = run_workflow(pr, host);
  REQUIRE(runs.size() == 4);
  for (size_t i = 0; i < 3; ++i) CHECK_MESSAGE(runs[i].status == 0, runs[i].name << ": " << runs[i].output);
  CHECK(runs[1].output.find("::error file=" + kDids + ",line=") != std::string::npos);
  CHECK(runs[1].output.find("title=c4confd reference%3A DID acme/paris-hq-direct-lines /spec/ipbx::") != std::string::npos);
  auto sarif = nlohmann::json::parse(read(pr.scratch.path() / "runner-temp/c4confd.sarif"));
  CHECK(sarif["version"] == "2.1.0");
  CHECK(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == kDids);
  CHECK(runs[3].status == 1);
  CHECK(runs[3].output.find("::error::the manifests are invalid (plan exit 1)") != std::string::npos);
  auto comments = bot_comments(host);
  REQUIRE(comments.size() == 1);
  CHECK(comments[0].body.find("the revision is invalid (1 error)") != std::string::npos);
  CHECK(comments[0].body.find("no-such-pbx") != std::string::npos);
}

TEST_CASE("the GitHub workflow plans without commenting when C4CONFD_NO_COMMENT is 1") {
  PullRequest pr;
  test::FakeGitHost host;
  auto env = github_env(pr, host);
  env["C4CONFD_NO_COMMENT"] = "1";
  auto runs = test::run_github_job(kKit / ".github/workflows/c4confd-plan.yml", "plan", pr.checkout, env, pr.scratch);
  require_all_passed(runs, 4);
  CHECK(host.comments().empty());
  CHECK(read(pr.scratch.path() / "runner-temp/summary.md").find("| DID | 0 | 1 | 0 |") != std::string::npos);
}

TEST_CASE("the GitLab job posts one plan note and updates it on the next push") {
  PullRequest pr;
  test::FakeGitHost host;
  host.add("mallory", kMarker + "\nnot the plan");
  auto env = pr.host_env();
  env.insert({{"CI_API_V4_URL", host.url() + "/api/v4"}, {"CI_PROJECT_ID", "5"}, {"CI_MERGE_REQUEST_IID", "3"},
              {"CI_MERGE_REQUEST_DIFF_BASE_SHA", pr.base}, {"CI_PROJECT_DIR", pr.checkout.string()},
              {"C4CONFD_GITLAB_TOKEN", test::FakeGitHost::kToken}});
  auto job = test::run_gitlab_job(kKit / ".gitlab-ci.yml", "c4confd-plan", pr.checkout, env, pr.scratch);
  INFO(job.output);
  REQUIRE(job.status == 0);
  CHECK(job.output.find("posted a new note") != std::string::npos);
  REQUIRE(bot_comments(host).size() == 1);
  CHECK(bot_comments(host)[0].body.find("| DID | 0 | 1 | 0 |") != std::string::npos);
  CHECK(read(pr.checkout / "c4confd-plan.md") == bot_comments(host)[0].body);

  pr.amend(kDids, "(reviewed)", "(reviewed twice)");
  auto again = test::run_gitlab_job(kKit / ".gitlab-ci.yml", "c4confd-plan", pr.checkout, env, pr.scratch);
  INFO(again.output);
  REQUIRE(again.status == 0);
  CHECK(again.output.find("updated note") != std::string::npos);
  REQUIRE(bot_comments(host).size() == 1);
  CHECK(bot_comments(host)[0].body.find("reviewed twice") != std::string::npos);
  CHECK(host.comments().front().body == kMarker + "\nnot the plan");
}

// The hook as pre-commit runs it: entry + args, in the repository root, with no file names.
TEST_CASE("the pre-commit hook validates the whole tree and fails on an invalid one") {
  YAML::Node hooks = YAML::LoadFile((kKit / ".pre-commit-hooks.yaml").string());
  REQUIRE(hooks.size() == 1);
  CHECK(hooks[0]["pass_filenames"].as<bool>() == false);
  std::string command = hooks[0]["entry"].as<std::string>();
  for (const auto& a : hooks[0]["args"]) command += " " + test::shell_quote(a.as<std::string>());
  // The example config of a manifest repository runs the same command.
  YAML::Node config = YAML::LoadFile((kKit / ".pre-commit-config.yaml").string());
  CHECK(config["repos"][0]["hooks"][0]["entry"].as<std::string>() == hooks[0]["entry"].as<std::string>());

  PullRequest pr;
  test::TempDir scratch;
  auto ok = test::run_script("pre-commit", command, pr.checkout, pr.host_env(), scratch);
  INFO(ok.output);
  CHECK(ok.status == 0);
  pr.amend(kDids, "ipbx: acme-paris-hq\n  numbers:", "ipbx: no-such-pbx\n  numbers:");
  auto bad = test::run_script("pre-commit", command, pr.checkout, pr.host_env(), scratch);
  CHECK(bad.status == 1);
  CHECK(bad.output.find(kDids + ":") != std::string::npos);
}

}  // namespace
}  // namespace c4
