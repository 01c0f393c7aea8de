// Fuzzes a manifest file through validation: YAML parse, YAML→JSON (model/yaml_json.h), header,
// JSON Schema checks (model/schema_set.h), decode and cross-object checks (model/validate.h).
// Properties, besides no crash, no exception and no sanitizer report:
//   - every problem names the file, says something, and points at a line of the file (or none);
//   - a file that validates without errors compiles into a routing snapshot (validation is
//     what compile_snapshot relies on).
#include <algorithm>

#include "fuzz_check.h"
#include "fuzz_snapshot.h"

namespace c4::fuzz {
namespace {

const SchemaSet& schemas() {
  static auto set = [] {
    auto compiled = SchemaSet::builtin();
    if (!compiled.is_ok()) {
      std::fprintf(stderr, "fuzz: the built-in schemas do not compile: %s\n", compiled.status().message().c_str());
      std::exit(2);
    }
    return *compiled;
  }();
  return *set;
}

void check_problems(const ValidationReport& report, const SourceText& source) {
  auto lines = static_cast<uint32_t>(std::count(source.text.begin(), source.text.end(), '\n') + 1);
  for (const Problem& p : report.problems.items()) {
    FUZZ_CHECK(p.file == source.path, "a problem in another file: " + p.to_text());
    FUZZ_CHECK(!p.message.empty(), "a problem without a message at line " + std::to_string(p.pos.line));
    FUZZ_CHECK(p.pos.line <= lines, "a problem past the last line: " + p.to_text());
    (void)p.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace
}  // namespace c4::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c4;
  SourceText source;
  source.path = "fuzz.yaml";
  source.text = std::string(fuzz::text_of(data, size));
  ValidationReport report = validate_sources({source}, fuzz::schemas(), 1);
  fuzz::check_problems(report, source);
  if (!report.ok()) return 0;
  auto snapshot = routing::compile_snapshot(std::move(report.catalog), {}, "fuzz", fuzz::fuzz_snapshot_options());
  FUZZ_CHECK(snapshot.is_ok(), "a manifest that validates does not compile: " + snapshot.status().message());
  return 0;
}
