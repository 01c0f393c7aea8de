#include "reconciler/plan_markdown.h"

#include <map>
#include <vector>

#include "common/markdown.h"
#include "model/problem_rules.h"

namespace c4 {
namespace {

constexpr size_t kCollapseAbove = 10;     // a tenant with more changes is collapsed
constexpr size_t kFieldsPerChange = 12;   // field changes listed per object
constexpr size_t kValueChars = 80;        // a value longer than this is cut
constexpr size_t kFooterReserve = 400;    // room kept for the truncation note

std::string with_commas(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string plural(size_t n, const std::string& one, const std::string& many) {
  return with_commas(n) + " " + (n == 1 ? one : many);
}

// A Git commit id cut to 12 hex digits (as GitHub shows them), a directory's "dir:<sha256>" to
// 16 characters; any other revision (a branch name) as given.
std::string short_commit(const std::string& rev) {
  bool commit_id = rev.size() == 40 && rev.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (commit_id) return rev.substr(0, 12);
  return rev.rfind("dir:", 0) == 0 ? rev.substr(0, 16) : rev;
}

std::string value_md(const nlohmann::json& v) {
  if (v.is_null()) return "*(none)*";
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > kValueChars) s = s.substr(0, kValueChars - 1) + "…";
  return md_code(s, true);
}

// "3 added (`+33…`, `+33…`), 1 removed (`+44…`)": a summarised long list (plan.h).
std::string list_summary_md(const FieldChange& f) {
  auto part = [](const nlohmann::json& side, const char* count_key, const char* verb) {
    size_t n = side.value(count_key, size_t{0});
    std::string s = with_commas(n) + " " + verb;
    if (n == 0 || !side.contains("examples")) return s;
    std::string examples;
    for (const auto& x : side["examples"]) examples += (examples.empty() ? "" : ", ") + md_code(x.get<std::string>(), true);
    return s + " (" + examples + (n > side["examples"].size() ? ", …" : "") + ")";
  };
  return part(f.after, "added", "added") + ", " + part(f.before, "removed", "removed");
}

std::string fields_md(const Change& c) {
  std::string s;
  for (size_t i = 0; i < c.fields.size() && i < kFieldsPerChange; ++i) {
    const FieldChange& f = c.fields[i];
    bool summarised = f.before.is_object() && f.before.contains("removed");
    s += (i ? "<br>" : "") + md_code(f.path.empty() ? "/" : f.path, true) + ": " +
         (summarised ? list_summary_md(f) : value_md(f.before) + " → " + value_md(f.after));
  }
  if (c.fields.size() > kFieldsPerChange) s += "<br>… " + plural(c.fields.size() - kFieldsPerChange, "more field", "more fields");
  return s;
}

std::string action_md(ChangeAction a) {
  switch (a) {
    case ChangeAction::create: return "➕ create";
    case ChangeAction::update: return "✏️ update";
    case ChangeAction::remove: return "➖ delete";
  }
  return "";
}

std::string change_row(const Change& c) {
  return "| " + action_md(c.action) + " | " + std::string(kind_name(c.key.kind)) + " " + md_code(c.key.name, true) +
         " | " + fields_md(c) + " |\n";
}

// The tenant a change is shown under: its own, a Tenant's own name, "" for cluster-scoped kinds.
std::string section_of(const ObjectKey& key) { return key.kind == Kind::Tenant ? key.name : key.tenant; }

std::string counts_table(const Plan& plan) {
  std::string s = "| Kind | Create | Update | Delete |\n| :-- | --: | --: | --: |\n";
  KindCounts total;
  for (const auto& [kind, k] : plan.counts()) {
    s += "| " + std::string(kind_name(kind)) + " | " + with_commas(k.created) + " | " + with_commas(k.updated) + " | " +
         with_commas(k.deleted) + " |\n";
    total.created += k.created, total.updated += k.updated, total.deleted += k.deleted;
  }
  return s + "| **Total** | **" + with_commas(total.created) + "** | **" + with_commas(total.updated) + "** | **" +
         with_commas(total.deleted) + "** |\n";
}

std::string heading_md(const std::string& title, const PlanHeading& heading) {
  std::string s = std::string(kCommentMarker) + "\n### " + title + "\n\n";
  if (!heading.commit.empty()) s += "Revision " + md_code(short_commit(heading.commit));
  if (!heading.against.empty()) s += " compared with " + md_code(short_commit(heading.against)) + " (no database)";
  else if (!heading.commit.empty()) s += " compared with the live database";
  return heading.commit.empty() ? s : s + ".\n\n";
}

// Appends `part` to `out` unless it would cross `cap`; false when it did not fit.
bool append_within(std::string& out, const std::string& part, size_t cap) {
  if (out.size() + part.size() + kFooterReserve > cap) return false;
  out += part;
  return true;
}

std::string truncation_note(size_t left_out, const std::string& what, size_t cap) {
  return "\n> [!WARNING]\n> Truncated: " + plural(left_out, what, what + "s") + " not shown. This comment is capped at " +
         with_commas(cap) + " characters (GitHub refuses longer ones); run `c4confd plan` to see everything.\n";
}

}  // namespace

std::string plan_to_markdown(const Plan& plan, const PlanHeading& heading, size_t cap) {
  if (plan.empty()) return heading_md("c4confd plan: no changes", heading) + "The live configuration already matches.\n";
  std::string out = heading_md("c4confd plan: " + plural(plan.changes.size(), "change", "changes"), heading);
  out += counts_table(plan) + "\n";
  std::map<std::string, std::vector<const Change*>> sections;
  for (const auto& c : plan.changes) sections[section_of(c.key)].push_back(&c);
  size_t shown = 0;
  bool full = false;
  for (const auto& [tenant, changes] : sections) {
    std::string title = tenant.empty() ? "Cluster-wide" : "Tenant " + md_code(tenant);
    std::string count = plural(changes.size(), "change", "changes");
    bool collapse = changes.size() > kCollapseAbove;
    std::string head = collapse ? "<details><summary><b>" + (tenant.empty() ? "Cluster-wide" : "Tenant <code>" + html_escape(tenant) + "</code>") +
                                      "</b>: " + count + "</summary>\n\n"
                                : "#### " + title + ": " + count + "\n\n";
    if (!append_within(out, head + "| | Object | Field changes |\n| :-- | :-- | :-- |\n", cap)) break;
    for (const Change* c : changes) {
      // Stops at the first row that does not fit, so what is shown is a prefix of the plan.
      if (!(full = !append_within(out, change_row(*c), cap))) ++shown;
      if (full) break;
    }
    out += collapse ? "\n</details>\n\n" : "\n";  // within kFooterReserve
    if (full) break;
  }
  if (shown < plan.changes.size()) out += truncation_note(plan.changes.size() - shown, "change", cap);
  return out;
}

std::string problems_to_markdown(const Problems& problems, const PlanHeading& heading, size_t cap) {
  std::string out = heading_md("c4confd plan: the revision is invalid (" +
                                   plural(problems.error_count(), "error", "errors") + ")",
                               heading);
  out += "Nothing would be applied. Fix these problems:\n\n| Where | Object | Problem |\n| :-- | :-- | :-- |\n";
  size_t shown = 0;
  for (const auto& p : problems.items()) {
    std::string where = p.file + (p.pos.line ? ":" + std::to_string(p.pos.line) : "");
    std::string object = p.object.display() + (p.pointer.empty() ? "" : " " + p.pointer);
    std::string level = p.severity == Problem::Severity::error ? "❌ " : "⚠️ ";
    if (!append_within(out, "| " + md_code(where, true) + " | " + (object.empty() ? "" : md_code(object, true)) + " | " +
                                level + md_code(p.message, true) + " |\n",
                       cap))
      break;
    ++shown;
  }
  if (shown < problems.items().size()) out += truncation_note(problems.items().size() - shown, "problem", cap);
  return out;
}

}  // namespace c4
