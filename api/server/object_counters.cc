#include "api/server/object_counters.h"

#include <map>
#include <utility>

#include "api/server/metrics.h"

namespace c4::api {

std::shared_ptr<const ObjectCounters> ObjectCounters::build(std::vector<CounterKey> keys, const ObjectCounters* previous) {
  using Key = std::pair<std::string, std::string>;
  std::map<Key, std::shared_ptr<Cell>> inherited;
  if (previous)
    for (size_t i = 0; i < previous->keys_.size(); ++i)
      inherited.emplace(Key{previous->keys_[i].tenant, previous->keys_[i].name}, previous->cells_[i]);
  auto table = std::shared_ptr<ObjectCounters>(new ObjectCounters());
  std::map<Key, std::shared_ptr<Cell>> taken;  // this table's cells, so a repeated key shares one
  table->cells_.reserve(keys.size());
  table->rendered_.reserve(keys.size());
  for (const auto& k : keys) {
    Key key{k.tenant, k.name};
    auto [slot, first] = taken.try_emplace(key);
    if (first) {
      auto old = inherited.find(key);
      slot->second = old != inherited.end() ? old->second : std::make_shared<Cell>(0);
    }
    table->cells_.push_back(slot->second);
    table->rendered_.push_back(first);
  }
  table->keys_ = std::move(keys);
  return table;
}

uint64_t ObjectCounters::value_of(std::string_view tenant, std::string_view name) const {
  for (size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i].tenant == tenant && keys_[i].name == name) return value(i);
  return 0;
}

void ObjectCounters::render(std::string& out, std::string_view metric, std::string_view object_label) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (!rendered_[i]) continue;
    out.append(metric).append("{tenant=\"").append(prometheus_label(keys_[i].tenant)).append("\",");
    out.append(object_label).append("=\"").append(prometheus_label(keys_[i].name)).append("\"} ");
    out.append(std::to_string(value(i))).append("\n");
  }
}

}  // namespace c4::api
