#include "model/problem_reports.h"

#include "common/escape.h"
#include "model/problem_rules.h"

namespace c4 {
namespace {

// The escapes of GitHub's toolkit (actions/toolkit, core/src/command.ts), plus: every other
// control character and any byte that is not UTF-8 is written as text by escape_for_text, so
// the line holds nothing a log viewer or terminal would act on.
std::string github_escape(std::string_view s, bool property) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out.push_back(c);
    }
  }
  return escape_for_text(out);
}

std::string title_of(const Problem& p) {
  std::string title = "c4confd " + (p.rule.empty() ? std::string(rules::kManifest) : p.rule);
  std::string object = p.object.display();
  if (!object.empty()) title += ": " + object;
  if (!p.pointer.empty()) title += " " + p.pointer;
  return title;
}

}  // namespace

std::string github_escape_data(std::string_view s) { return github_escape(s, false); }
std::string github_escape_property(std::string_view s) { return github_escape(s, true); }

std::string problems_to_github(const Problems& problems, const std::string& file_prefix) {
  std::string out;
  for (const auto& p : problems.items()) {
    out += p.severity == Problem::Severity::error ? "::error " : "::warning ";
    out += "file=" + github_escape_property(file_prefix + p.file);
    if (p.pos.line) out += ",line=" + std::to_string(p.pos.line);
    if (p.pos.line && p.pos.column) out += ",col=" + std::to_string(p.pos.column);
    out += ",title=" + github_escape_property(title_of(p));
    out += "::" + github_escape_data(p.message) + "\n";
  }
  return out;
}

}  // namespace c4
