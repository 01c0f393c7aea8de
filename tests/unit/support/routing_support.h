// Helpers for the routing tests: the examples compiled into a snapshot (with made-up secrets
// instead of the environment), and a call builder.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include "api/routing/engine.h"
#include "api/routing/explain.h"
#include "api/routing/snapshot.h"
#include "model/loader.h"
#include "test_support.h"

namespace c4::routing::test {

// "secret-of-<NAME>" for every passwordFrom {env: NAME}; plain values as written.
inline Result<std::string> fake_secret(const SecretRef& ref) {
  if (ref.source == SecretRef::Source::env) return std::string("secret-of-") + ref.value;
  if (ref.source == SecretRef::Source::plain) return ref.value;
  return Status::not_found("no such secret file " + ref.value);
}

inline SnapshotPtr compile_texts(const std::vector<SourceText>& files, SnapshotOptions options = {}) {
  auto report = c4::test::validate_texts(files);
  REQUIRE_MESSAGE(report.ok(), c4::test::problem_text(report));
  if (!options.resolve_secret) options.resolve_secret = fake_secret;
  auto snapshot = compile_snapshot(std::move(report.catalog), {}, "test", options);
  REQUIRE_MESSAGE(snapshot.is_ok(), snapshot.status().message());
  return *snapshot;
}

inline SnapshotPtr compile_yaml(const std::string& yaml, SnapshotOptions options = {}) {
  return compile_texts({c4::test::source("test.yaml", yaml)}, std::move(options));
}

// The examples/ repository, compiled once per test binary.
inline const Snapshot& examples() {
  static SnapshotPtr snapshot = [] {
    auto files = read_manifest_tree(std::filesystem::path(C4_SOURCE_DIR) / "examples");
    REQUIRE(files.is_ok());
    return compile_texts(*files);
  }();
  return *snapshot;
}

// An instant given in UTC ("2026-12-01T09:00:00Z").
inline std::chrono::system_clock::time_point at(const std::string& iso) {
  auto t = parse_instant(iso);
  REQUIRE_MESSAGE(t.has_value(), iso);
  return *t;
}

// Tuesday 10:00 and 23:00, Saturday 14:00, in Paris and Rome (UTC+1 in December).
inline const std::string kTueDay = "2026-12-01T09:00:00Z";
inline const std::string kTueNight = "2026-12-01T22:00:00Z";
inline const std::string kSatAfternoon = "2026-12-05T13:00:00Z";

inline CallRequest call(const std::string& source_ip, const std::string& from_user, const std::string& to_user,
                        const std::string& to_host = "c4.example") {
  CallRequest r;
  r.source_ip = source_ip;
  r.source_port = 5060;
  r.from_uri = "sip:" + from_user + "@caller.example";
  r.to_uri = "sip:" + to_user + "@" + to_host;
  r.call_id = "call-" + from_user + "-" + to_user;
  return r;
}

// An env at `when` whose random source always picks the first weighted candidate.
inline RouteEnv env_at(const std::string& when) {
  RouteEnv env;
  env.now = at(when);
  env.random = [](uint64_t) { return uint64_t{0}; };
  return env;
}

// Names of the route targets, in order.
inline std::vector<std::string> targets(const Snapshot& s, const RouteDecision& d) {
  std::vector<std::string> out;
  for (const auto& r : d.routes)
    out.push_back(target_meta(s, r).name);
  return out;
}

}  // namespace c4::routing::test
