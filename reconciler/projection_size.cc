#include "reconciler/projection_size.h"

#include <limits>
#include <array>
#include <optional>
#include <set>

#include "model/problem_rules.h"
#include "model/yaml_source.h"
#include "reconciler/redis_projection.h"

namespace c4 {
namespace {

// Counts keys in the order project_to_redis builds them; `over` is called (once) with the
// object and entry that take the count past `max`, and counting stops.
class KeyCounter {
 public:
  explicit KeyCounter(uint64_t max) : max_(max) {}

  // Returns false once over the maximum.
  bool sources(const Meta& meta, const std::vector<IpNetwork>& nets, bool any_source) {
    if (any_source) return true;
    for (const auto& net : nets) {
      if (net.prefix_len != 128) {
        srcnet_ = true;
        continue;
      }
      if (addresses_.insert(net.bytes).second && !add(1))
        return over(meta, "/spec/allowedSources", meta.spec_pos);
    }
    return true;
  }

  bool did(const DID& d) {
    for (const auto& n : d.numbers)
      if (!add(1)) return over(d.meta, pointer_append("/spec/numbers", n.index), n.pos);
    for (const auto& r : d.ranges) {
      didrange_ = true;
      if (r.to.value < r.from.value || r.to.value - r.from.value >= kMaxExpandedDidRange) continue;
      if (!add(r.to.value - r.from.value + 1)) return over(d.meta, pointer_append("/spec/ranges", r.index), r.pos);
    }
    didprefix_ = didprefix_ || !d.prefixes.empty();
    return true;
  }

  bool shared_hashes(const Meta* last) {
    uint64_t n = uint64_t{srcnet_} + uint64_t{didrange_} + uint64_t{didprefix_};
    if (!add(n) && last) return over(*last, "", last->pos);
    return true;
  }

  uint64_t count() const { return count_; }
  std::optional<Problem> problem;

 private:
  bool add(uint64_t n) {
    count_ = n > std::numeric_limits<uint64_t>::max() - count_ ? std::numeric_limits<uint64_t>::max() : count_ + n;
    return count_ <= max_;
  }
  bool over(const Meta& meta, std::string pointer, SourcePos pos) {
    Problem p;
    p.rule = rules::kLimit;
    p.file = meta.file;
    p.pos = pos;
    p.pointer = std::move(pointer);
    p.object = meta.ref();
    p.message = "the Redis projection of this revision would hold more than " + with_thousands(max_) +
                " keys (--max-redis-keys); the limit is crossed here";
    problem = std::move(p);
    return false;
  }

  uint64_t max_;
  uint64_t count_ = 0;
  std::set<std::array<uint8_t, 16>> addresses_;  // first claim wins: one key per address
  bool srcnet_ = false, didrange_ = false, didprefix_ = false;
};

void count_keys(const Catalog& catalog, KeyCounter& counter) {
  const Meta* last = nullptr;
  for (const auto& t : catalog.all<CarrierTrunk>()) {
    if (!counter.sources(t.meta, t.allowed_sources, t.any_source)) return;
    last = &t.meta;
  }
  for (const auto& p : catalog.all<IPBX>()) {
    if (!counter.sources(p.meta, p.allowed_sources, p.any_source)) return;
    last = &p.meta;
  }
  for (const auto& d : catalog.all<DID>()) {
    if (!counter.did(d)) return;
    last = &d.meta;
  }
  counter.shared_hashes(last);
}

}  // namespace

uint64_t projected_key_count(const Catalog& catalog) {
  KeyCounter counter(std::numeric_limits<uint64_t>::max());
  count_keys(catalog, counter);
  return counter.count();
}

void check_projection_size(const Catalog& catalog, const Limits& limits, Problems& problems) {
  KeyCounter counter(limits.max_redis_keys);
  count_keys(catalog, counter);
  if (counter.problem) problems.add(std::move(*counter.problem));
}

}  // namespace c4
