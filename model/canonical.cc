#include "model/canonical.h"

#include <algorithm>

#include "common/sha.h"

namespace c4 {

void DidLists::sort() {
  std::sort(numbers.begin(), numbers.end());
  std::sort(ranges.begin(), ranges.end());
  std::sort(prefixes.begin(), prefixes.end());
}

DidLists did_lists(const DID& did) {
  DidLists l;
  l.numbers.reserve(did.numbers.size());
  for (const auto& n : did.numbers) l.numbers.push_back(n.number.to_string());
  for (const auto& r : did.ranges) l.ranges.push_back(r.from.to_string() + ".." + r.to.to_string());
  for (const auto& p : did.prefixes) l.prefixes.push_back("+" + p.digits);
  l.sort();
  return l;
}

std::string object_hash(const nlohmann::json& labels, const nlohmann::json& spec, const DidLists* lists) {
  Sha256 h;
  h.update(labels.dump());
  h.update("\n");
  h.update(spec.dump());
  if (lists) {
    for (const auto* list : {&lists->numbers, &lists->ranges, &lists->prefixes}) {
      h.update("\n#");
      for (const auto& item : *list) {
        h.update(item);
        h.update(",");
      }
    }
  }
  return h.hex();
}

nlohmann::json labels_json(const Meta& meta) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : meta.labels) j[k] = v;
  return j;
}

nlohmann::json full_did_spec(const nlohmann::json& spec, const DidLists& lists) {
  nlohmann::json full = spec;
  if (!lists.numbers.empty()) full["numbers"] = lists.numbers;
  if (!lists.prefixes.empty()) full["prefixes"] = lists.prefixes;
  if (!lists.ranges.empty()) {
    nlohmann::json ranges = nlohmann::json::array();
    for (const auto& r : lists.ranges) {
      size_t dots = r.find("..");
      ranges.push_back({{"from", r.substr(0, dots)}, {"to", r.substr(dots + 2)}});
    }
    full["ranges"] = ranges;
  }
  return full;
}

}  // namespace c4
