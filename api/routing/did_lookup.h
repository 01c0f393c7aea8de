// The number step of DID matching (step 3 of route(), engine.h): which DIDs may take an
// E.164 number, from the snapshot's tables, in the engine's order — the exact number, then
// the range that contains it, then prefixes from the longest down. Regex DIDs, tenants and
// trunk restrictions are the engine's (it passes `accept`). Kept apart so that
// bench/routing_bench.cc measures this step alone against a plain hash lookup of the number.
// Read-only over the snapshot; thread-safe. No allocation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "api/routing/snapshot_data.h"
#include "model/e164.h"

namespace c4::routing {

struct DidCandidate {
  enum class How { exact, range, prefix };
  How how;
  uint32_t did;
  uint64_t from = 0, to = 0;  // range: its bounds; prefix: `from` is the prefix digits
};

// The first candidate, in the order above, for which `accept(const DidCandidate&)` is true.
template <class Accept>
std::optional<uint32_t> find_did_number(const SnapshotData& d, const E164& number, Accept&& accept) {
  const uint64_t value = number.value;
  if (auto i = d.did_numbers.find(value); i && accept(DidCandidate{DidCandidate::How::exact, *i})) return i;
  if (const DidRangeEntry* r = d.did_ranges.last_starting_at_or_before(value);
      r && value <= r->to && accept(DidCandidate{DidCandidate::How::range, r->did, r->from, r->to}))
    return r->did;
  for (int k = std::min<int>(number.length, d.longest_did_prefix); k >= 1; --k) {
    uint64_t prefix = value / pow10_u64(number.length - k);
    if (auto i = d.did_prefixes.find(prefix); i && accept(DidCandidate{DidCandidate::How::prefix, *i, prefix}))
      return i;
  }
  return std::nullopt;
}

}  // namespace c4::routing
