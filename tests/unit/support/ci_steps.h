// Runs the shell steps of the CI kit's files (examples/ci/) as their CI system would: a GitHub
// Actions job's `run:` steps in order (steps that `uses:` an action are the host's business and
// are skipped; the test has done their work, e.g. the checkout), a GitLab job's before_script
// and script in one shell, each with the job's and step's environment and the variables the
// host sets, which the test passes in. Values that are GitHub expressions ("${{ … }}") are the
// host's to evaluate: the test sets those variables itself.
#pragma once

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include <doctest/doctest.h>

#include "test_support.h"

namespace c4::test {

using Env = std::map<std::string, std::string>;

struct StepRun {
  std::string name;
  int status = -1;
  std::string output;  // stdout and stderr
  double seconds = 0;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `script` with bash -eo pipefail (GitHub's and GitLab's bash shell) in `dir`, with only
// `env` and a PATH, HOME of the test (and the sanitizer options, when set): nothing of the
// caller's C4CONFD_* settings leaks in.
inline StepRun run_script(const std::string& name, const std::string& script, const std::filesystem::path& dir,
                          const Env& env, const TempDir& scratch) {
  static int counter = 0;
  auto file = scratch.write("step-" + std::to_string(counter++) + ".sh", script);
  std::string cmd = "cd " + shell_quote(dir.string()) + " && env -i";
  for (const auto& [k, v] : env) cmd += " " + k + "=" + shell_quote(v);
  // The sanitizer build's settings (its leak suppressions above all) follow the binary.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
    if (const char* value = std::getenv(name); value && !env.count(name))
      cmd += std::string(" ") + name + "=" + shell_quote(value);
  cmd += " bash --noprofile --norc -eo pipefail " + shell_quote(file.string()) + " 2>&1";
  StepRun r;
  r.name = name;
  auto start = std::chrono::steady_clock::now();
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  int status = ::pclose(pipe);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// `node`'s string entries that are not GitHub expressions, added to `env`.
inline void add_env(const YAML::Node& node, Env& env) {
  if (!node || !node.IsMap()) return;
  for (const auto& kv : node) {
    auto value = kv.second.IsNull() ? std::string() : kv.second.as<std::string>();
    if (value.find("${{") == std::string::npos) env[kv.first.as<std::string>()] = value;
  }
}

// Every `run:` step of job `job` of the workflow `file`, in order; stops after the first that
// fails (as GitHub does without `if: always()`).
inline std::vector<StepRun> run_github_job(const std::filesystem::path& file, const std::string& job,
                                           const std::filesystem::path& dir, Env env, const TempDir& scratch) {
  YAML::Node workflow = YAML::LoadFile(file.string());
  YAML::Node j = workflow["jobs"][job];
  REQUIRE_MESSAGE(j.IsMap(), file << " has no job " << job);
  add_env(j["env"], env);
  std::vector<StepRun> runs;
  for (const auto& step : j["steps"]) {
    if (!step["run"]) continue;
    Env step_env = env;
    add_env(step["env"], step_env);
    runs.push_back(run_script(step["name"] ? step["name"].as<std::string>() : "run", step["run"].as<std::string>(), dir,
                              step_env, scratch));
    if (runs.back().status != 0) break;
  }
  return runs;
}

// Job `job` of the GitLab CI file `file`: its variables, then before_script and script as one
// shell session (GitLab runs them so; variables set by one line are seen by the next).
inline StepRun run_gitlab_job(const std::filesystem::path& file, const std::string& job, const std::filesystem::path& dir,
                              Env env, const TempDir& scratch) {
  YAML::Node j = YAML::LoadFile(file.string())[job];
  REQUIRE_MESSAGE(j.IsMap(), file << " has no job " << job);
  add_env(j["variables"], env);
  std::string script;
  for (const char* part : {"before_script", "script"})
    for (const auto& line : j[part]) script += line.as<std::string>() + "\n";
  return run_script(job, script, dir, env, scratch);
}

}  // namespace c4::test
