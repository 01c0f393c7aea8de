#include "model/problem_reports.h"

#include <cctype>

#include "common/escape.h"
#include "model/problem_rules.h"

namespace c4 {
namespace {

constexpr const char* kSarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";

nlohmann::json rules_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules::kAllRules) {
    out.push_back({{"id", r.id},
                   {"name", r.name},
                   {"shortDescription", {{"text", r.description}}},
                   {"defaultConfiguration", {{"level", "error"}}}});
  }
  return out;
}

size_t rule_index(std::string_view id) {
  for (size_t i = 0; i < rules::kAllRules.size(); ++i)
    if (rules::kAllRules[i].id == id) return i;
  return rules::kAllRules.size() - 1;  // kManifest, last
}

// A relative URI reference for a file name: its bytes percent-encoded where a URI may not
// hold them as they are ('/' kept), so a hostile name cannot make the URI mean another file.
std::string uri_of(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

nlohmann::json result_json(const Problem& p, const std::string& file_prefix) {
  std::string id(p.rule.empty() ? rules::kManifest : std::string_view(p.rule));
  size_t index = rule_index(id);
  nlohmann::json region = nlohmann::json::object();
  if (p.pos.line) region["startLine"] = p.pos.line;
  if (p.pos.line && p.pos.column) region["startColumn"] = p.pos.column;
  nlohmann::json physical = {{"artifactLocation", {{"uri", uri_of(file_prefix + p.file)}, {"uriBaseId", "%SRCROOT%"}}}};
  if (!region.empty()) physical["region"] = region;
  nlohmann::json location = {{"physicalLocation", physical}};
  std::string object = p.object.display();
  if (!object.empty() || !p.pointer.empty())
    location["logicalLocations"] = {{{"fullyQualifiedName", valid_utf8(object + (p.pointer.empty() ? "" : " " + p.pointer))},
                                     {"kind", "object"}}};
  return {{"ruleId", rules::kAllRules[index].id},
          {"ruleIndex", index},
          {"level", p.severity == Problem::Severity::error ? "error" : "warning"},
          {"message", {{"text", valid_utf8(p.message)}}},
          {"locations", {location}}};
}

}  // namespace

nlohmann::json problems_to_sarif(const Problems& problems, const std::string& file_prefix, const std::string& version) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& p : problems.items()) results.push_back(result_json(p, file_prefix));
  nlohmann::json driver = {{"name", "c4confd"},
                           {"version", version},
                           {"rules", rules_json()}};
  return {{"$schema", kSarifSchema},
          {"version", "2.1.0"},
          {"runs", {{{"tool", {{"driver", driver}}}, {"results", results}}}}};
}

}  // namespace c4
