#include "reconciler/plan.h"

#include <algorithm>
#include <set>

#include "model/redaction.h"
#include "model/yaml_source.h"

namespace c4 {
namespace {

constexpr size_t kListSummaryThreshold = 16;  // longer string lists are summarised
constexpr size_t kListExamples = 5;

bool is_string_list(const nlohmann::json& v) {
  return v.is_array() && std::all_of(v.begin(), v.end(), [](const nlohmann::json& x) { return x.is_string(); });
}

void diff_into(const std::string& path, const std::string& key, const nlohmann::json& a, const nlohmann::json& b,
               std::vector<FieldChange>& out) {
  if (a == b) return;
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, _] : a.items()) keys.insert(k);
    for (const auto& [k, _] : b.items()) keys.insert(k);
    for (const auto& k : keys)
      diff_into(pointer_append(path, k), k, a.contains(k) ? a[k] : nlohmann::json(), b.contains(k) ? b[k] : nlohmann::json(), out);
    return;
  }
  bool long_lists = (is_string_list(a) || a.is_null()) && (is_string_list(b) || b.is_null()) &&
                    std::max(a.is_array() ? a.size() : 0, b.is_array() ? b.size() : 0) > kListSummaryThreshold;
  if (long_lists) {
    std::set<std::string> before, after;
    if (a.is_array()) for (const auto& x : a) before.insert(x.get<std::string>());
    if (b.is_array()) for (const auto& x : b) after.insert(x.get<std::string>());
    nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array();
    size_t n_added = 0, n_removed = 0;
    for (const auto& x : after)
      if (!before.count(x) && n_added++ < kListExamples) added.push_back(x);
    for (const auto& x : before)
      if (!after.count(x) && n_removed++ < kListExamples) removed.push_back(x);
    out.push_back({path, {{"removed", n_removed}, {"examples", removed}}, {{"added", n_added}, {"examples", added}}});
    return;
  }
  if (a.is_array() && b.is_array() && !a.empty() && !b.empty()) {
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i)
      diff_into(pointer_append(path, i), key, i < a.size() ? a[i] : nlohmann::json(), i < b.size() ? b[i] : nlohmann::json(), out);
    return;
  }
  out.push_back({path, shown_field(key, a), shown_field(key, b)});
}

std::string value_text(const nlohmann::json& v) {
  if (v.is_null()) return "(none)";
  std::string s = v.dump();
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

}  // namespace

std::string_view action_name(ChangeAction a) {
  switch (a) {
    case ChangeAction::create: return "create";
    case ChangeAction::update: return "update";
    case ChangeAction::remove: return "delete";
  }
  return "?";
}

std::map<Kind, KindCounts> Plan::counts() const {
  std::map<Kind, KindCounts> out;
  for (const auto& c : changes) {
    auto& k = out[c.key.kind];
    if (c.action == ChangeAction::create) ++k.created;
    else if (c.action == ChangeAction::update) ++k.updated;
    else ++k.deleted;
  }
  return out;
}

std::vector<FieldChange> diff_contents(const nlohmann::json& before, const nlohmann::json& after) {
  std::vector<FieldChange> out;
  diff_into("", "", before, after, out);
  return out;
}

Result<Plan> make_plan(const Catalog& desired, const LiveObjects& live, const ContentFetcher& fetch_live) {
  Plan plan;
  std::set<ObjectKey> wanted;
  std::vector<ObjectKey> updated;
  desired.for_each_list([&](const auto& list) {
    for (const auto& object : list) {
      ObjectKey key = key_of(object.meta);
      wanted.insert(key);
      auto it = live.find(key);
      if (it == live.end()) {
        plan.changes.push_back({key, ChangeAction::create, {}});
      } else if (it->second.hash != object.meta.hash) {
        plan.changes.push_back({key, ChangeAction::update, {}});
        updated.push_back(key);
      }
    }
  });
  std::vector<Change> deletes;
  for (const auto& [key, _] : live)
    if (!wanted.count(key)) deletes.push_back({key, ChangeAction::remove, {}});
  std::stable_sort(deletes.begin(), deletes.end(),
                   [](const Change& a, const Change& b) { return a.key.kind > b.key.kind; });
  plan.changes.insert(plan.changes.end(), deletes.begin(), deletes.end());

  if (!updated.empty()) {
    auto before = fetch_live(updated);
    if (!before) return before.status().with_context("reading the live objects to compare");
    for (auto& change : plan.changes) {
      if (change.action != ChangeAction::update) continue;
      auto it = before->find(change.key);
      nlohmann::json previous = it == before->end() ? nlohmann::json() : it->second;
      change.fields = diff_contents(previous, desired_content(desired, change.key));
    }
  }
  return plan;
}

LiveObjects catalog_objects(const Catalog& catalog) {
  LiveObjects out;
  catalog.for_each_list([&](const auto& list) {
    for (const auto& o : list) out[key_of(o.meta)] = {0, o.meta.hash};
  });
  return out;
}

ContentFetcher catalog_fetcher(const Catalog& catalog) {
  return [&catalog](const std::vector<ObjectKey>& keys) -> Result<LiveContents> {
    LiveContents out;
    for (const auto& k : keys) out[k] = desired_content(catalog, k);
    return out;
  };
}

std::string plan_to_text(const Plan& plan) {
  if (plan.empty()) return "No changes: the live configuration matches.\n";
  std::string s;
  for (const auto& c : plan.changes) {
    const char* mark = c.action == ChangeAction::create ? "+ " : c.action == ChangeAction::update ? "~ " : "- ";
    s += mark + std::string(action_name(c.action)) + " " + c.key.display() + "\n";
    for (const auto& f : c.fields) {
      if (f.before.is_object() && f.before.contains("removed")) {
        s += "    " + f.path + ": " + std::to_string(f.after["added"].get<size_t>()) + " added " +
             value_text(f.after["examples"]) + ", " + std::to_string(f.before["removed"].get<size_t>()) + " removed " +
             value_text(f.before["examples"]) + "\n";
        continue;
      }
      s += "    " + f.path + ": " + value_text(f.before) + " -> " + value_text(f.after) + "\n";
    }
  }
  std::string summary;
  for (const auto& [kind, k] : plan.counts())
    summary += (summary.empty() ? "" : ", ") + std::string(kind_name(kind)) + " +" + std::to_string(k.created) + " ~" +
               std::to_string(k.updated) + " -" + std::to_string(k.deleted);
  return s + "Plan: " + std::to_string(plan.changes.size()) + " changes (" + summary + ").\n";
}

nlohmann::json plan_to_json(const Plan& plan) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : plan.changes) {
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& f : c.fields) fields.push_back({{"path", f.path}, {"before", f.before}, {"after", f.after}});
    changes.push_back({{"action", action_name(c.action)},
                       {"kind", kind_name(c.key.kind)},
                       {"tenant", c.key.tenant},
                       {"name", c.key.name},
                       {"fields", fields}});
  }
  return {{"changes", changes}, {"counts", plan_counts_json(plan)}};
}

nlohmann::json plan_counts_json(const Plan& plan) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [kind, k] : plan.counts())
    counts[std::string(kind_name(kind))] = {{"created", k.created}, {"updated", k.updated}, {"deleted", k.deleted}};
  return counts;
}

}  // namespace c4
