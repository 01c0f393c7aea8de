// ObjectCounters: one Prometheus counter per configuration object (a trunk, an IPBX), labelled
// by the object's tenant and name, never by anything a call carries (a number, an address), so
// the number of series is bounded by the configuration.
//
// A table is immutable in shape and built for one routing snapshot, off the hot path: its
// object i is the snapshot's object i, so counting is one relaxed atomic increment at a known
// index (no lock, no lookup, no allocation). When a new snapshot comes, build() makes the next
// table from the previous one: an object still there (same tenant and name) keeps its very
// counter cell, so its count carries on and a request still counting on the old table is not
// lost; an object that left is no longer rendered (its series disappears from /metrics);
// a new object starts at 0.
//
// Thread-safety: build() may run concurrently with add() on the previous table; add(), value()
// and render() are safe from any thread at any time.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace c4::api {

struct CounterKey {
  std::string tenant;  // the tenant's name
  std::string name;    // the object's name
};

class ObjectCounters {
 public:
  // One counter per key, in the order given. `previous` (may be null) lends the cells of keys
  // it also holds. A key given twice shares one cell and is rendered once.
  static std::shared_ptr<const ObjectCounters> build(std::vector<CounterKey> keys, const ObjectCounters* previous);

  size_t size() const { return keys_.size(); }
  // Adds `n` to the counter of object `index`. REQUIRES: index < size().
  void add(size_t index, uint64_t n = 1) const { cells_[index]->fetch_add(n, std::memory_order_relaxed); }
  uint64_t value(size_t index) const { return cells_[index]->load(std::memory_order_relaxed); }
  // The count of the object with that tenant and name; 0 when it has none (tests).
  uint64_t value_of(std::string_view tenant, std::string_view name) const;

  // Appends one sample line per object: `metric{tenant="…",<object_label>="…"} <count>`,
  // label values escaped (prometheus_label). The HELP and TYPE lines are the caller's.
  void render(std::string& out, std::string_view metric, std::string_view object_label) const;

 private:
  using Cell = std::atomic<uint64_t>;
  std::vector<CounterKey> keys_;
  std::vector<std::shared_ptr<Cell>> cells_;  // parallel to keys_
  std::vector<bool> rendered_;                // false for a repeated key
};

using ObjectCountersPtr = std::shared_ptr<const ObjectCounters>;

}  // namespace c4::api
