// Planning: what applying a desired catalog would change, object by object and field by field.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "model/catalog.h"
#include "store/live_state.h"

namespace c4 {

enum class ChangeAction { create, update, remove };
std::string_view action_name(ChangeAction a);

struct FieldChange {
  std::string path;        // JSON pointer inside the object: "/spec/sipProxy", "/labels/region"
  nlohmann::json before;   // null when added; secrets are "<redacted>"
  nlohmann::json after;    // null when removed
};

struct Change {
  ObjectKey key;
  ChangeAction action = ChangeAction::create;
  std::vector<FieldChange> fields;  // updates only
};

struct KindCounts {
  size_t created = 0, updated = 0, deleted = 0;
};

struct Plan {
  // Creates and updates in dependency order, then deletes in reverse dependency order:
  // the order an apply executes them.
  std::vector<Change> changes;
  std::map<Kind, KindCounts> counts() const;
  bool empty() const { return changes.empty(); }
};

// Fetches the content (live_state.h) of the given live objects.
using ContentFetcher = std::function<Result<LiveContents>(const std::vector<ObjectKey>&)>;

// Compares `desired` with `live` (identities and hashes). Field changes of updates are
// computed from contents fetched through `fetch_live`. Secret values never appear.
Result<Plan> make_plan(const Catalog& desired, const LiveObjects& live, const ContentFetcher& fetch_live);

// The live side of a plan made from another catalog (plan --against REV): its objects with
// hashes, and a fetcher over its contents.
LiveObjects catalog_objects(const Catalog& catalog);
ContentFetcher catalog_fetcher(const Catalog& catalog);

// The field differences between two contents ({"labels","spec"}), secrets redacted.
// Long lists of strings (DID numbers) are summarised as "+N -M" with the first items.
std::vector<FieldChange> diff_contents(const nlohmann::json& before, const nlohmann::json& after);

// Text rendering ("+ create DID acme/x", "~ update ...: /spec/sipProxy: a → b") and JSON.
std::string plan_to_text(const Plan& plan);
nlohmann::json plan_to_json(const Plan& plan);
// plan_to_json(plan)["counts"] without rendering the changes: {"DID": {"created": 1, ...}, ...}.
nlohmann::json plan_counts_json(const Plan& plan);

}  // namespace c4
