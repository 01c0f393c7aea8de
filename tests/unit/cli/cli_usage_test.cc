// What every command shares on its command line: the usage exit status (64, never a
// command's own status such as plan's 2 "changes"), --output choices, and the help texts.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <vector>

#include <doctest/doctest.h>

#include "test_support.h"

namespace c4 {
namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

// The c4confd binary with `args` and only the environment `env` ("NAME=value ..."): none of
// the caller's C4CONFD_* settings.
Run c4confd(const std::string& args, const std::string& env = "") {
  test::TempDir scratch;
  auto err_path = scratch.path() / "stderr";
  std::string cmd = "env -i PATH=/usr/bin:/bin " + env + " '" + std::string(C4_BINARY) + "' " + args + " 2>'" +
                    err_path.string() + "'";
  Run r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_path);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

const std::string kExamples = "'" C4_SOURCE_DIR "/examples'";

TEST_CASE("a mistyped flag exits 64 for every command, never plan's 2 for changes") {
  for (const char* command : {"validate", "plan", "apply", "migrate", "status", "route", "serve", "reconcile", "all",
                              "schemas", "import", "ctl"}) {
    CAPTURE(command);
    Run r = c4confd(std::string(command) + " --no-such-flag");
    CHECK(r.status == 64);
    CHECK(r.err == "c4confd " + std::string(command) + ": unknown option --no-such-flag for '" + command +
                       "' (see c4confd " + command + " --help)\n");
  }
  CHECK(c4confd("plan --against").status == 64);  // a missing value
  CHECK(c4confd("frobnicate").status == 64);
  CHECK(c4confd("").status == 64);
}

TEST_CASE("an --output a command does not support is a usage error naming the supported ones") {
  Run plan = c4confd("plan --output sarif " + kExamples);
  CHECK(plan.status == 64);
  CHECK(plan.err == "c4confd plan: --output must be text, json or markdown, not \"sarif\"\n");
  Run validate = c4confd("validate --output markdown " + kExamples);
  CHECK(validate.status == 64);
  CHECK(validate.err == "c4confd validate: --output must be text, json, github or sarif, not \"markdown\"\n");
  // The environment twin is held to the same choices.
  Run env = c4confd("validate " + kExamples, "C4CONFD_OUTPUT=xml");
  CHECK(env.status == 64);
  CHECK(env.err == "c4confd validate: --output must be text, json, github or sarif, not \"xml\"\n");
  CHECK(c4confd("validate --output text " + kExamples, "C4CONFD_OUTPUT=xml").status == 0);
}

TEST_CASE("help COMMAND prints that command's help, not the global one") {
  Run help = c4confd("help plan");
  CHECK(help.status == 0);
  CHECK(help.out == c4confd("plan --help").out);
  CHECK(help.out.rfind("Usage: c4confd plan [OPTIONS] [PATH]\n", 0) == 0);
  CHECK(help.out.find("--output FORMAT") != std::string::npos);
  CHECK(help.out.find("One of: text, json or markdown.") != std::string::npos);
  CHECK(help.out.find("Exit status 64: a usage error") != std::string::npos);
  CHECK(help.out.find("Commands:") == std::string::npos);
  Run unknown = c4confd("help frobnicate");
  CHECK(unknown.status == 64);
  CHECK(unknown.err == "c4confd help: unknown command \"frobnicate\" (see c4confd --help)\n");
}

TEST_CASE("the command list gives every command a whole sentence") {
  Run r = c4confd("--help");
  CHECK(r.status == 0);
  std::string list = r.out.substr(r.out.find("Commands:\n") + 10);
  list = list.substr(0, list.find("\n\n"));
  // Entries start at column 2; their continuation lines are indented further.
  std::vector<std::string> entries;
  std::istringstream lines(list);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("   ", 0) == 0 && !entries.empty()) entries.back() += line;
    else entries.push_back(line);
  }
  CHECK(entries.size() >= 10);  // the ten commands of this writing, and any added since
  for (const auto& e : entries) CHECK_MESSAGE(e.back() == '.', e);
  CHECK(r.out.find("  schemas     Writes the manifests' JSON Schemas") != std::string::npos);
  CHECK(r.out.find("Exit status 64") != std::string::npos);
}

}  // namespace
}  // namespace c4
