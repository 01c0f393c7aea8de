// A Git working repository made in a test from a copy of examples/ (or any directory), to be
// fetched through a file:// URL, with helpers to edit, rename, delete and commit.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "reconciler/revision_source.h"
#include "test_support.h"

namespace c4::test {

// Runs a shell command and returns its standard output without the final newline; fails the
// test on a non-zero exit.
inline std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = ::pclose(pipe);
  INFO(command << "\n" << out);
  REQUIRE(rc == 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class ManifestRepo {
 public:
  // A repository whose first commit on branch main holds a copy of `content` (examples/ by
  // default).
  explicit ManifestRepo(const std::filesystem::path& content = std::filesystem::path(C4_SOURCE_DIR) / "examples")
      : work_(dir_.path() / "work") {
    std::filesystem::copy(content, work_, std::filesystem::copy_options::recursive);
    git("init -q -b main");
    git("config user.name 'Test Operator'");
    git("config user.email ops@example.org");
    git("config commit.gpgsign false");
    commit("initial manifests");
  }

  std::string git(const std::string& args) { return shell("git -C '" + work_.string() + "' " + args); }
  // Replaces the first `from` in file `rel` by `to`.
  void replace(const std::string& rel, const std::string& from, const std::string& to) {
    std::ifstream in(work_ / rel);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto pos = text.find(from);
    REQUIRE_MESSAGE(pos != std::string::npos, rel << " has no " << from);
    text.replace(pos, from.size(), to);
    std::ofstream(work_ / rel, std::ios::binary) << text;
  }
  // Commits everything and returns the new commit id.
  std::string commit(const std::string& message) {
    git("add -A");
    git("commit -q -m '" + message + "'");
    return head();
  }
  std::string head() { return git("rev-parse HEAD"); }

  std::string url() const { return "file://" + work_.string(); }
  const std::filesystem::path& work() const { return work_; }
  // A scratch directory that lives as long as the repository (caches, logs).
  std::filesystem::path scratch(const std::string& name) const { return dir_.path() / name; }

  // A Git revision source of branch main with a cache of its own named `name`.
  std::unique_ptr<RevisionSource> source(const std::string& name) const {
    GitSourceConfig config;
    config.url = url();
    config.branch = "main";
    config.cache_dir = scratch("cache-" + name);
    auto source = RevisionSource::open_git(config);
    REQUIRE_MESSAGE(source.is_ok(), source.status().to_string());
    return std::move(source.value());
  }

 private:
  TempDir dir_;
  std::filesystem::path work_;
};

}  // namespace c4::test
