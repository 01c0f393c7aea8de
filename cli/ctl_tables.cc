#include "cli/ctl_tables.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/escape.h"

namespace c4::cli {
namespace {

constexpr size_t kErrorsShown = 10;  // of the last attempt; --output json has them all

// A field as one line of text: strings escaped, numbers as written, null as "-".
std::string text(const nlohmann::json& j) {
  if (j.is_null()) return "-";
  if (j.is_string()) return escape_for_text(j.get<std::string>());
  return escape_for_text(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}
std::string text(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) ? text(j[key]) : "-";
}
std::string short_commit(const nlohmann::json& j) {
  std::string t = text(j);
  return t.size() == 40 ? t.substr(0, 12) : t;
}
std::string first_line(const nlohmann::json& j) {
  std::string t = j.is_string() ? j.get<std::string>() : "";
  return escape_for_text(t.substr(0, t.find('\n')).substr(0, 60));
}

void row(std::ostream& out, const std::string& key, const std::string& value) {
  out << key << std::string(key.size() < 16 ? 16 - key.size() : 1, ' ') << value << "\n";
}

// Columns padded to their widest cell.
void table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) line += r[i] + (i + 1 < r.size() ? std::string(width[i] - r[i].size() + 2, ' ') : "");
    out << line << "\n";
  }
}

std::string counts_text(const nlohmann::json& counts) {
  if (!counts.is_object() || counts.empty()) return "-";
  std::string s;
  for (const auto& [kind, c] : counts.items()) {
    if (!s.empty()) s += ", ";
    s += escape_for_text(kind);
    for (auto [key, mark] : {std::pair{"created", " +"}, {"updated", " ~"}, {"deleted", " -"}})
      if (c.is_object() && c.value(key, 0) != 0) s += mark + text(c, key);
  }
  return s;
}

}  // namespace

void print_status(std::ostream& out, const nlohmann::json& s) {
  row(out, "live revision", text(s, "live_revision_id") + " (commit " + short_commit(s.value("live_commit", nlohmann::json())) + ")");
  const auto& last = s.value("last_attempt", nlohmann::json::object());
  row(out, "last attempt", text(last, "revision_id") + " " + text(last, "result") + " at " + text(last, "finished_at") +
                               " (commit " + short_commit(last.value("commit", nlohmann::json())) + ")");
  if (last.value("result", nlohmann::json()) == "failed") {
    row(out, "failed step", text(last, "failed_step"));
    const auto& errors = last.value("errors", nlohmann::json::array());
    for (size_t i = 0; i < errors.size() && i < kErrorsShown; ++i) {
      const auto& e = errors[i];
      std::string where = e.contains("file") ? text(e, "file") + ":" + text(e, "line") + ": " : "";
      row(out, i == 0 ? "errors" : "", where + text(e, "message"));
    }
    if (errors.size() > kErrorsShown) row(out, "", "… " + std::to_string(errors.size() - kErrorsShown) + " more (--output json)");
  }
  const auto& drift = s.value("drift", nlohmann::json::object());
  row(out, "drift", text(drift, "count") + " object(s) corrected in total, last at " + text(drift, "last_at"));
  const auto& branch = s.value("branch", nlohmann::json::object());
  std::string behind = branch.value("behind", nlohmann::json()).is_null() ? "unknown" : text(branch, "behind") + " commit(s)";
  row(out, "branch tip", short_commit(branch.value("tip", nlohmann::json())) + ", live is " + behind + " behind");
  const auto& control = s.value("control", nlohmann::json::object());
  bool suspended = control.value("suspended", false);
  row(out, "suspended", suspended ? "yes, since " + text(control, "since") + (control.value("reason", nlohmann::json()).is_null()
                                                                                  ? ""
                                                                                  : " (" + text(control, "reason") + ")")
                                  : "no");
  const auto& pin = control.value("pinned_commit", nlohmann::json());
  row(out, "pinned", pin.is_null() ? "no" : short_commit(pin) + " (held until `c4confd ctl resume`)");
  if (s.contains("snapshot")) row(out, "snapshot", text(s["snapshot"], "revision") + " (what this API process serves)");
}

void print_revisions(std::ostream& out, const nlohmann::json& page) {
  std::vector<std::vector<std::string>> rows = {{"ID", "RESULT", "COMMIT", "FINISHED", "CHANGES", "MESSAGE"}};
  for (const auto& r : page.value("items", nlohmann::json::array()))
    rows.push_back({text(r, "id"), text(r, "result"), short_commit(r.value("commit_id", nlohmann::json())),
                    text(r, "finished_at"), counts_text(r.value("counts", nlohmann::json())),
                    first_line(r.value("message", nlohmann::json()))});
  table(out, rows);
  out << text(page, "total") << " revision(s) in all\n";
}

void print_revision(std::ostream& out, const nlohmann::json& r) {
  row(out, "revision", text(r, "id") + " " + text(r, "result"));
  row(out, "commit", text(r, "commit_id"));
  row(out, "author", text(r, "author"));
  row(out, "message", first_line(r.value("message", nlohmann::json())));
  row(out, "finished", text(r, "finished_at") + " (" + text(r, "duration_ms") + " ms)");
  row(out, "counts", counts_text(r.value("counts", nlohmann::json())));
  if (r.value("result", nlohmann::json()) == "failed") row(out, "failed step", text(r, "failed_step"));
  const auto& errors = r.value("errors", nlohmann::json::array());
  for (size_t i = 0; i < errors.size() && i < kErrorsShown; ++i) row(out, i == 0 ? "errors" : "", text(errors[i], "message"));
  const auto& changes = r.value("changes", nlohmann::json::array());
  if (changes.empty()) return;
  out << "\n";
  std::vector<std::vector<std::string>> rows = {{"ACTION", "KIND", "TENANT", "NAME", "FIELDS"}};
  for (const auto& c : changes) {
    std::string fields;
    for (const auto& f : c.value("fields", nlohmann::json::array())) fields += (fields.empty() ? "" : " ") + text(f);
    rows.push_back({text(c, "action"), text(c, "kind"), text(c, "tenant"), text(c, "name"), fields.empty() ? "-" : fields});
  }
  table(out, rows);
  auto total = r.value("changes_total", nlohmann::json());
  if (total.is_number() && total.get<int64_t>() > static_cast<int64_t>(changes.size()))
    out << "… " << total.get<int64_t>() - static_cast<int64_t>(changes.size()) << " more changes not recorded\n";
}

void print_sync(std::ostream& out, const nlohmann::json&) {
  out << "sync requested: the reconciler fetches the branch now (see `c4confd ctl status`)\n";
}

}  // namespace c4::cli
