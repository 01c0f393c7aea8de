// Routing snapshots for the fuzz targets, compiled without PostgreSQL or the environment.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "api/routing/snapshot.h"
#include "model/loader.h"
#include "model/validate.h"

namespace c4::fuzz {

// Every secret reference resolves (to a text naming it), so a snapshot never fails for want
// of an environment variable or a file.
inline Result<std::string> any_secret(const SecretRef& ref) { return "fuzz-secret-" + ref.value; }

inline routing::SnapshotOptions fuzz_snapshot_options() {
  routing::SnapshotOptions options;
  options.resolve_secret = any_secret;
  return options;
}

// The examples/ repository compiled once (C4_SOURCE_DIR is the source tree, set by CMake). A
// fuzz target cannot run without it: exits with a message when it does not validate.
inline const routing::Snapshot& examples_snapshot() {
  static routing::SnapshotPtr snapshot = [] {
    auto die = [](const std::string& why) {
      std::fprintf(stderr, "fuzz: cannot compile examples/: %s\n", why.c_str());
      std::exit(2);
    };
    auto files = read_manifest_tree(std::filesystem::path(C4_SOURCE_DIR) / "examples");
    if (!files.is_ok()) die(files.status().message());
    auto schemas = SchemaSet::builtin();
    if (!schemas.is_ok()) die(schemas.status().message());
    auto report = validate_sources(*files, **schemas, 1);
    if (!report.ok()) die("it does not validate");
    auto compiled = routing::compile_snapshot(std::move(report.catalog), {}, "fuzz", fuzz_snapshot_options());
    if (!compiled.is_ok()) die(compiled.status().message());
    return *compiled;
  }();
  return *snapshot;
}

}  // namespace c4::fuzz
