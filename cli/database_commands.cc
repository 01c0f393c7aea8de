// migrate, plan, apply and status: the commands that talk to PostgreSQL.
#include <iostream>

#include "cli/commands.h"
#include "common/log.h"
#include "cli/secret_options.h"
#include "cli/limit_options.h"
#include "cli/report_files.h"
#include "cli/source_options.h"
#include "store/database.h"
#include "store/migrations.h"
#include "reconciler/outcome_projection.h"
#include "reconciler/plan_against.h"
#include "reconciler/plan_markdown.h"
#include "reconciler/reconcile_pass.h"
#include "store/redis_client.h"
#include "reconciler/redis_projection.h"

namespace c4::cli {
namespace {

constexpr int kExitOk = 0, kExitError = 1, kExitChanges = 2;

int fail(const std::string& command, const Status& status, int code) {
  std::cerr << "c4confd " << command << ": " << status.message() << "\n";
  return code;
}

Result<std::unique_ptr<pqxx::connection>> migrated_connection(const ParsedOptions& options) {
  auto conn = connect_database(options.get("database-url"));
  if (!conn) return conn.status();
  auto report = migrate(**conn);
  if (!report) return report.status();
  return conn;
}

int run_migrate(const ParsedOptions& options) {
  auto conn = connect_database(options.get("database-url"));
  if (!conn) return fail("migrate", conn.status(), kExitError);
  auto report = migrate(**conn);
  if (!report) return fail("migrate", report.status(), kExitError);
  for (const auto& name : report->applied) std::cout << "applied " << name << "\n";
  std::cout << report->applied.size() << " migrations applied, " << report->already << " already applied\n";
  return kExitOk;
}

// The revision the command works on: its source (fetched), the revision, the schemas and the
// secret policy its passwordFrom references are validated against.
struct Desired {
  std::unique_ptr<RevisionSource> source;
  DesiredRevision revision;
  std::shared_ptr<const SchemaSet> schemas;
  SecretPolicy secrets;
  Limits limits;
};

Result<Desired> load_desired(const ParsedOptions& options) {
  // plan and apply read no secret, and may run where the directories do not exist (CI).
  auto secrets = read_secret_policy(options, SecretPolicy::Dirs::may_be_missing);
  if (!secrets) return secrets.status();
  auto limits = read_limits(options);
  if (!limits) return limits.status();
  auto source = open_revision_source(options);
  if (!source) return source.status();
  if (auto s = (*source)->fetch(); !s) return s;
  auto revision = (*source)->load();
  if (!revision) return revision.status();
  auto schemas = SchemaSet::builtin();
  if (!schemas) return schemas.status();
  return Desired{std::move(source.value()), std::move(revision.value()), schemas.value(), std::move(secrets.value()),
                 *limits};
}

// plan: exit 0 no change, 2 changes, 1 error (terraform plan -detailed-exitcode).
int run_plan(const ParsedOptions& options) {
  std::string format = options.get("output");  // one of the option's choices (parse_options)
  bool json = format == "json";
  if (LogLevel level; parse_log_level(options.get("log-level"), level)) set_min_log_level(level);  // one of its choices
  auto loaded = load_desired(options);
  if (!loaded) return fail("plan", loaded.status(), kExitError);
  auto& [source, desired, schemas, secrets, limits] = *loaded;

  Plan plan;
  Problems problems;
  std::string against = options.get("against");
  if (!against.empty()) {
    // A database-free plan between two revisions, for pull-request checks. File results are
    // kept beside the Git cache, so a check parses only the files it has not seen
    // (bench/pr_check.sh).
    auto base = source->load(against);
    if (!base) return fail("plan", base.status(), kExitError);
    auto store = FileValidationStore::open(std::filesystem::path(options.get("cache-dir")) / "c4confd-validation", limits);
    if (!store) log_event(LogLevel::warn, "plan.validation_store", {{"error", store.status().message()}});
    auto compared = plan_against(desired, *base, *schemas, limits, secrets, store ? &store.value() : nullptr);
    if (!compared) return fail("plan", compared.status(), kExitError);
    problems = std::move(compared->problems);
    if (compared->plan) plan = std::move(*compared->plan);
  } else {
    auto conn = migrated_connection(options);
    if (!conn) return fail("plan", conn.status(), kExitError);
    PassOptions pass;
    pass.dry_run = true;
    pass.secrets = secrets;
    pass.limits = limits;
    auto outcome = reconcile_revision(**conn, desired, *schemas, pass);
    problems = outcome.problems;
    if (!outcome.status && outcome.failed_step != Step::validate) return fail("plan", outcome.status, kExitError);
    plan = std::move(outcome.plan);
  }
  PlanHeading heading{desired.commit.id, against};
  // The problems of the planned revision (warnings, or the errors that stop the plan) for CI:
  // one run of plan then serves the annotations too. Names from the repository root.
  std::string sub_dir = options.get("path");
  if (Status s = write_problem_reports(options, problems, sub_dir.empty() ? "" : sub_dir + "/"); !s)
    return fail("plan", s, kExitError);
  if (problems.has_errors()) {
    if (format == "markdown") {
      std::cout << problems_to_markdown(problems, heading);
    } else if (json) {
      nlohmann::json errors = nlohmann::json::array();
      for (const auto& p : problems.items()) errors.push_back(p.to_json());
      std::cout << nlohmann::json{{"commit", desired.commit.id}, {"errors", errors}}.dump(2) << "\n";
    } else {
      for (const auto& p : problems.items()) std::cout << p.to_text() << "\n";
      std::cout << "The revision is invalid: nothing would be applied.\n";
    }
    return kExitError;
  }
  if (format == "markdown") {
    std::cout << plan_to_markdown(plan, heading);
  } else if (json) {
    nlohmann::json out = plan_to_json(plan);
    out["commit"] = desired.commit.id;
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "Revision " << desired.commit.id << "\n" << plan_to_text(plan);
  }
  return plan.empty() ? kExitOk : kExitChanges;
}

Result<ProjectionStats> project(const std::string& redis_url, const PassOutcome& outcome) {
  auto redis = RedisClient::connect(redis_url);
  if (!redis) return redis.status();
  return project_to_redis(**redis, projection_input(outcome));
}

int run_apply(const ParsedOptions& options) {
  auto loaded = load_desired(options);
  if (!loaded) return fail("apply", loaded.status(), kExitError);
  auto& [source, desired, schemas, secrets, limits] = *loaded;
  auto conn = migrated_connection(options);
  if (!conn) return fail("apply", conn.status(), kExitError);
  PassOptions pass;
  pass.secrets = secrets;
  pass.limits = limits;
  pass.check_drift = options.flag("check-drift");
  auto outcome = reconcile_revision(**conn, desired, *schemas, pass);
  for (const auto& key : outcome.drifted) std::cout << "drift: " << key.display() << " was edited in the database; rewritten\n";
  for (const auto& p : outcome.problems.items()) std::cout << p.to_text() << "\n";
  if (!outcome.status)
    return fail("apply", outcome.status.with_context(std::string(step_name(outcome.failed_step)) + " step failed"), kExitError);
  std::cout << plan_to_text(outcome.plan);
  std::cout << "Revision " << desired.commit.id << ": " << result_name(outcome.result);
  if (outcome.revision_id) std::cout << " (revision " << *outcome.revision_id << ")";
  std::cout << "\n";

  // project: the database is the record; Redis is derived and catches up on the next apply.
  std::string redis_url = options.get("redis-url");
  if (!redis_url.empty() && outcome.catalog) {
    auto projected = project(redis_url, outcome);
    if (!projected) {
      std::cerr << "c4confd apply: warning: Redis projection not updated (the database apply stands): "
                << projected.status().message() << "\n";
    } else {
      std::cout << "Redis: " << projected->keys_written << " keys written, " << projected->keys_deleted
                << " deleted, " << projected->unchanged << " unchanged\n";
    }
  }
  return kExitOk;
}

int run_status(const ParsedOptions& options) {
  auto conn = migrated_connection(options);
  if (!conn) return fail("status", conn.status(), kExitError);
  try {
    pqxx::read_transaction txn(**conn);
    auto status = read_status(txn);
    if (!status) return fail("status", status.status(), kExitError);
    std::cout << status->to_json().dump(2) << "\n";
  } catch (const std::exception& e) {
    return fail("status", database_error(e, "reading status"), kExitError);
  }
  return kExitOk;
}

std::vector<OptionSpec> with(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

Command migrate_command() {
  return {{"migrate", "", "Applies pending SQL migrations to the database (also done by every command that uses it).",
           {database_option()},
           "Applies pending SQL migrations to the database."},
          run_migrate};
}

Command plan_command() {
  return {{"plan", "[PATH]",
           "Shows what applying a revision (the --repo branch tip, or the directory PATH) would change, object by\n"
           "object and field by field, against the database, or against another Git revision with --against\n"
           "(no database needed). Secrets are redacted.\n"
           "Exit status: 0 no change, 2 changes, 1 error (including an invalid revision), 64 usage error.",
           with({database_option(),
                 {"against", "REV", "compare with this Git revision instead of the database.", ""},
                 {"output", "FORMAT", "text, json, or markdown (a pull-request comment, docs/pull-requests.md).",
                  "text", false, "", false, {"text", "json", "markdown"}},
                 {"log-level", "LEVEL", "debug also logs the phases of --against (files parsed, milliseconds) on "
                  "stderr; info, warn or error.", "info", false, "", false, {"debug", "info", "warn", "error"}}},
                with(problem_report_options(), with(git_source_options(), secret_options()))),
           "Shows what applying a revision would change, against the database or another Git revision."},
          run_plan};
}

Command apply_command() {
  return {{"apply", "[PATH]",
           "Applies a revision (the --repo branch tip, or the directory PATH) to the database in one transaction:\n"
           "creates and updates in dependency order, deletes (prune) in reverse, and the revision row. An invalid\n"
           "revision writes nothing but a failed revision row; the live revision again writes nothing.\n"
           "Exit status: 0 applied or unchanged, 1 error.",
           with({database_option(),
                 {"check-drift", "", "also compare every row with the revision and rewrite rows edited by hand "
                                     "(counted in status).", ""},
                 {"redis-url", "URL", "Redis to project the edge keys into after the apply (docs/redis.md); "
                                      "empty: skip.", ""}},
                with(git_source_options(), secret_options())),
           "Applies a revision to the database in one transaction."},
          run_apply};
}

Command status_command() {
  return {{"status", "", "Prints the live revision, the last attempt with its errors, and the drift count (JSON).",
           {database_option()},
           "Prints the live revision, the last attempt and the drift count (JSON)."},
          run_status};
}

}  // namespace c4::cli
