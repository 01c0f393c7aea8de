#include "reconciler/plan_against.h"

#include <chrono>

#include "common/log.h"
#include "reconciler/projection_size.h"

namespace c4 {
namespace {

// Files of `sources` whose result `cache` does not hold: the ones validation will parse.
size_t uncached(const std::vector<SourceText>& sources, const FileValidationCache& cache) {
  size_t n = 0;
  for (const auto& s : sources) n += cache.find(s) ? 0 : 1;
  return n;
}

void save(FileValidationStore* store, const FileValidationCache& cache) {
  if (!store) return;
  auto written = store->save(cache);
  if (!written) log_event(LogLevel::warn, "plan.validation_store", {{"error", written.status().message()}});
}

// Milliseconds since the last call (the first: since `start`), for the phase log.
class Lap {
 public:
  int64_t ms() {
    auto now = std::chrono::steady_clock::now();
    auto d = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_).count();
    last_ = now;
    return d;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

Result<RevisionPlan> plan_against(const DesiredRevision& desired, const DesiredRevision& base, const SchemaSet& schemas,
                                  const Limits& limits, const SecretPolicy& secrets, FileValidationStore* store) {
  RevisionPlan out;
  FileValidationCache cache;
  Lap lap;
  nlohmann::json ms;
  // validate_sources and catalog_of_sources leave in the cache only the revision they read:
  // each revision's stored results are loaded just before it is read.
  if (store) store->load(base.files, cache);
  out.files_parsed = uncached(base.files, cache);
  ms["load_base"] = lap.ms();
  Catalog before = catalog_of_sources(base.files, schemas, 0, &cache, limits);
  ms["read_base"] = lap.ms();
  save(store, cache);
  if (store) store->load(desired.files, cache);
  out.files_parsed += uncached(desired.files, cache);
  ms["load_desired"] = lap.ms();
  ValidationReport report = validate_sources(desired.files, schemas, 0, &cache, limits, secrets);
  ms["validate"] = lap.ms();
  save(store, cache);
  if (store) store->prune();
  ms["save"] = lap.ms();
  if (report.ok()) check_projection_size(report.catalog, limits, report.problems);
  out.problems = std::move(report.problems);
  if (!out.problems.has_errors()) {
    auto plan = make_plan(report.catalog, catalog_objects(before), catalog_fetcher(before));
    if (!plan) return plan.status();
    out.plan = std::move(plan.value());
  }
  ms["plan"] = lap.ms();
  log_event(LogLevel::debug, "plan.against", {{"files_parsed", out.files_parsed}, {"ms", ms}});
  return out;
}

}  // namespace c4
