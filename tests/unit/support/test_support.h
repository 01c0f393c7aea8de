// Helpers for unit tests: validate small YAML literals through the real schemas and pipeline.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <doctest/doctest.h>

#include "model/validate.h"

namespace c4::test {

// A manifest file's text under `path` (built field by field, so the tests do not depend on
// every member of SourceText).
inline SourceText source(std::string path, std::string text) {
  SourceText s;
  s.path = std::move(path);
  s.text = std::move(text);
  return s;
}

// Validates the given files (path, text) as one revision with the built-in schemas.
inline ValidationReport validate_texts(const std::vector<SourceText>& files) {
  auto schemas = SchemaSet::builtin();
  REQUIRE(schemas.is_ok());
  return validate_sources(files, **schemas, 1);
}

inline ValidationReport validate_text(const std::string& text) { return validate_texts({source("test.yaml", text)}); }

// Every problem as its one-line text form, in report order.
inline std::vector<std::string> problem_lines(const ValidationReport& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems.items()) out.push_back(p.to_text());
  return out;
}

// A tenant "acme" and the objects most tests refer to, so a test adds only what it is about.
inline std::string base_manifests() {
  return R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: acme}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: orange, tenant: acme}
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: orange-1, tenant: acme}
spec: {carrier: orange, sipProxy: sbc.orange.example, allowedSources: [203.0.113.10]}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: pbx1, tenant: acme}
spec: {host: 192.0.2.10, allowedSources: [192.0.2.10]}
)";
}

// Lines joined with a newline after each, so a failed CHECK shows both sides readably.
inline std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Every problem as text, one per line: compare with CHECK(problem_text(r) == "...").
inline std::string problem_text(const ValidationReport& r) { return joined(problem_lines(r)); }

// Validates base_manifests() as "base.yaml" plus `text` as "test.yaml", so the line numbers a
// test asserts are those of its own text.
inline ValidationReport validate_with_base(const std::string& text) {
  return validate_texts({source("base.yaml", base_manifests()), source("test.yaml", text)});
}

// A fresh directory under the system temp directory, removed with everything in it when the
// object goes out of scope.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("c4confd-unit-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `relative` (creating parent directories) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    std::filesystem::path p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace c4::test
