// c4confd route: one routing question answered from a Git revision or a directory, with no
// database: the Kamailio answer, or with --explain the decision and why.
#include <iostream>

#include "api/routing/engine.h"
#include "api/routing/explain.h"
#include "cli/commands.h"
#include "cli/limit_options.h"
#include "cli/secret_options.h"
#include "cli/source_options.h"
#include "model/validate.h"

namespace c4::cli {
namespace {

constexpr int kExitRouted = 0, kExitNoRoute = 1, kExitCannotRun = 2;

int fail(const std::string& message) {
  std::cerr << "c4confd route: " << message << "\n";
  return kExitCannotRun;
}

// "+33140000000" or "0140000000" → "sip:…@host"; a SIP or tel URI is kept as given.
std::string as_uri(const std::string& value, const std::string& host) {
  if (value.rfind("sip:", 0) == 0 || value.rfind("sips:", 0) == 0 || value.rfind("tel:", 0) == 0) return value;
  return "sip:" + value + "@" + host;
}

int run_route(const ParsedOptions& options) {
  if (options.get("from").empty() || options.get("to").empty()) return fail("--from and --to are required");
  routing::CallRequest request;
  request.source_ip = options.get("source-ip");
  request.domain = options.get("domain");
  request.username = options.get("username");
  request.from_name = options.get("from-name");
  request.call_id = "c4confd-route";
  request.want_auth = true;
  request.from_uri = as_uri(options.get("from"), request.domain.empty() ? "localhost" : request.domain);
  request.to_uri = as_uri(options.get("to"), "localhost");
  try {
    request.source_port = std::stoi(options.get("source-port"));
  } catch (const std::exception&) {
    return fail("--source-port must be a number, not \"" + options.get("source-port") + "\"");
  }
  routing::RouteEnv env;
  if (auto at = options.get("at"); !at.empty()) {
    auto t = routing::parse_instant(at);
    if (!t) return fail("--at must be an ISO-8601 time such as 2026-11-26T10:00:00Z, not \"" + at + "\"");
    env.now = *t;
  }
  if (options.flag("legacy-matching")) env.matching = routing::CallerMatching::legacy;

  auto secrets = read_secret_policy(options, SecretPolicy::Dirs::must_exist);
  if (!secrets) return fail(secrets.status().message());
  auto limits = read_limits(options);
  if (!limits) return fail(limits.status().message());
  auto source = open_revision_source(options);
  if (!source) return fail(source.status().message());
  if (auto s = (*source)->fetch(); !s) return fail(s.message());
  auto revision = (*source)->load(options.get("rev"));
  if (!revision) return fail(revision.status().message());
  auto schemas = SchemaSet::builtin();
  if (!schemas) return fail(schemas.status().message());
  auto report = validate_sources(revision->files, **schemas, 0, nullptr, *limits, *secrets);
  if (!report.ok()) {
    for (const auto& p : report.problems.items())
      if (p.severity == Problem::Severity::error) std::cerr << p.to_text() << "\n";
    return fail("the revision is invalid (see c4confd validate)");
  }
  routing::SnapshotOptions snapshot_options;
  snapshot_options.secrets = *secrets;
  auto snapshot = routing::compile_snapshot(std::move(report.catalog), {}, revision->commit.id, snapshot_options);
  if (!snapshot) return fail(snapshot.status().message());
  for (const auto& w : (*snapshot)->warnings()) std::cerr << "warning: " << w << "\n";

  nlohmann::json out;
  bool routed = false;
  if (options.flag("explain")) {
    out = routing::explain_call(**snapshot, request, env);
    routed = !out["routes"].empty();
  } else {
    env.record_call = false;
    auto decision = routing::route(**snapshot, request, env);
    routed = !decision.routes.empty();
    out = {{"auth", routing::auth_json(**snapshot, decision.caller)}, {"rtjson", routing::rtjson(**snapshot, decision)}};
    if (!routed) std::cerr << "no route: " << decision.no_route_reason << "\n";
  }
  std::cout << out.dump(2) << "\n";
  return routed ? kExitRouted : kExitNoRoute;
}

}  // namespace

Command route_command() {
  std::vector<OptionSpec> opts = {
      {"from", "URI", "the caller: a SIP URI (sip:0140000123@pbx.example) or just the number.", "", true},
      {"to", "URI", "the callee: a SIP URI or just the number (routing is decided on it).", "", true},
      {"source-ip", "IP", "the address the call comes from (identifies the IPBX or trunk).", "", true},
      {"source-port", "PORT", "the source port.", "5060", true},
      {"username", "USER", "the authenticated SIP user, as Kamailio's $aU.", "", true},
      {"domain", "DOMAIN", "the From domain, as Kamailio's $fd.", "", true},
      {"from-name", "NAME", "the caller's display name.", "", true},
      {"at", "TIME", "evaluate time windows at this ISO-8601 time (default: now).", "", true},
      {"rev", "REV", "with --repo: the Git revision to read (default: the branch tip).", "", true},
      {"explain", "", "print the decision and why (matched DID or rule, normalization, skipped candidates).", "", true},
      {"legacy-matching", "", "identify callers as the old service did (no allowed source = any source).", "", true},
  };
  for (auto& o : git_source_options()) opts.push_back(std::move(o));
  for (auto& o : secret_options()) opts.push_back(std::move(o));
  return {{"route", "[PATH]",
           "Answers one routing question from a revision (the --repo branch tip, or the directory PATH), with no\n"
           "database: prints the JSON Kamailio would get ({\"auth\", \"rtjson\"}), or the explanation with\n"
           "--explain (which shows auth_password as \"<redacted>\"). Secrets (passwordFrom) are read from this\n"
           "process's environment and files, as --secrets-env-prefix and --secrets-dir allow.\n"
           "Exit status: 0 routed, 1 no route, 2 could not run (including an invalid revision).",
           std::move(opts),
           "Answers one routing question from a revision, with no database (what Kamailio would get)."},
          run_route};
}

}  // namespace c4::cli
