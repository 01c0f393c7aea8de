#include "api/routing/did_range_table.h"

#include <algorithm>

namespace c4::routing {

namespace {

unsigned bit_length_slot(uint64_t value) { return 63 - static_cast<unsigned>(__builtin_clzll(value | 1)); }

}  // namespace

void DidRangeTable::assign(std::vector<DidRangeEntry> ranges) {
  ranges_ = std::move(ranges);
  std::sort(ranges_.begin(), ranges_.end(), [](const DidRangeEntry& a, const DidRangeEntry& b) { return a.from < b.from; });
  levels_.clear();
  buckets_.clear();
  largest_slice_ = slice_sum_ = 0;
  // Sorted by value means grouped by bit length, in increasing order.
  uint32_t i = 0;
  for (unsigned e = 0; e < slots_.size(); ++e) {
    const uint32_t begin = i;
    while (i < ranges_.size() && bit_length_slot(ranges_[i].from) == e) ++i;
    slots_[e] = i > begin ? build_level(begin, i, 0) : Level{UINT64_MAX, begin, begin};
  }
  levels_.shrink_to_fit();
  buckets_.shrink_to_fit();
}

// About two buckets per range: most buckets then hold zero or one first number when the
// numbers are spread, for 16 bytes per range.
DidRangeTable::Level DidRangeTable::build_level(uint32_t begin, uint32_t end, int depth) {
  const uint64_t lo = ranges_[begin].from, span = ranges_[end - 1].from - lo;
  const uint64_t target = 2 * uint64_t{end - begin};
  Level l{lo, begin, end, static_cast<uint32_t>(buckets_.size()), 0, 0};
  while ((span >> l.shift) >= target) ++l.shift;  // span < 2^63: ends at shift 63 at the latest
  l.buckets = static_cast<uint32_t>((span >> l.shift) + 1);
  // Bucket k: the first range whose bucket is ≥ k; bucket `buckets` closes the last one.
  uint32_t i = begin;
  for (uint64_t k = 0; k <= l.buckets; ++k) {
    while (i < end && ((ranges_[i].from - lo) >> l.shift) < k) ++i;
    buckets_.push_back({i});
  }
  // Crowded buckets get their own directory (appended after this one's buckets).
  for (uint32_t k = 0; k < l.buckets; ++k) {
    const uint32_t first = buckets_[l.directory + k].first, last = buckets_[l.directory + k + 1].first;
    if (last - first > kRefineOver && depth < kMaxDepth && ranges_[last - 1].from > ranges_[first].from) {
      Level sub = build_level(first, last, depth + 1);
      levels_.push_back(sub);
      buckets_[l.directory + k].level = static_cast<uint32_t>(levels_.size());
    } else {
      largest_slice_ = std::max<size_t>(largest_slice_, last - first);
      slice_sum_ += size_t{last - first} * (last - first);
    }
  }
  return l;
}

size_t DidRangeTable::search(uint64_t value, uint32_t first, uint32_t last) const {
  auto it = std::upper_bound(ranges_.begin() + first, ranges_.begin() + last, value,
                             [](uint64_t v, const DidRangeEntry& r) { return v < r.from; });
  return static_cast<size_t>(it - ranges_.begin());
}

}  // namespace c4::routing
