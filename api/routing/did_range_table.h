// The DID ranges of a snapshot, sorted by their first number, with a directory in front of
// them so that finding the range a number may fall in costs a probe or two instead of a
// binary search over every range (bench/routing_bench.cc, BM_DidLookupRange).
//
// The directory splits the numbers by bit length (2^e ≤ value < 2^(e+1), one slot per e)
// and cuts the span [lowest, highest first number] of each bit length into equal buckets,
// about two per range of that length; each bucket holds the index of its first range. A
// number's bit length and bucket are both monotone in its value, so its answer lies between
// the first ranges of its bucket and of the next. Per bit length rather than one span,
// because numbers of different lengths differ by powers of ten and one span would crowd the
// short ones into a few buckets.
//
// Real numbering plans are clustered (a country, then blocks of a few thousand numbers
// holding several ranges), so equal buckets alone leave about eleven ranges per bucket at
// bench scale. A bucket holding more than kRefineOver ranges therefore gets its own
// directory over its span, the same way, up to kMaxDepth levels: at bench scale (3,845
// ranges) a number then meets about 1.3 ranges at the end, after 2.5 bucket probes on average.
//
// Built once (assign), then read-only: concurrent reads are safe. Lookups allocate nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace c4::routing {

struct DidRangeEntry {
  uint64_t from, to;  // E.164 digits as integers, same length
  uint32_t did;
};

class DidRangeTable {
 public:
  // Replaces the table with `ranges`, sorted by `from` (ranges may overlap or nest; the
  // order of ranges with the same `from` is unspecified), and builds the directory.
  // REQUIRES: fewer than 2^32 ranges.
  void assign(std::vector<DidRangeEntry> ranges);

  // The index of the first range whose `from` is greater than `value`: exactly what
  // std::upper_bound over entries() by `from` returns, for every value.
  size_t upper_bound(uint64_t value) const {
    const Level* l = &slots_[63 - __builtin_clzll(value | 1)];
    for (;;) {
      if (value < l->lo) return l->begin;
      const uint64_t k = (value - l->lo) >> l->shift;
      if (k >= l->buckets) return l->end;
      const Bucket& b = buckets_[l->directory + k];
      if (b.level == 0) return scan(value, b.first, buckets_[l->directory + k + 1].first);
      l = &levels_[b.level - 1];
    }
  }

  // The range with the greatest `from` ≤ value (the last such in order), or null when no
  // range starts at or before `value`. It need not contain `value`: the caller checks `to`.
  const DidRangeEntry* last_starting_at_or_before(uint64_t value) const {
    size_t i = upper_bound(value);
    return i == 0 ? nullptr : &ranges_[i - 1];
  }

  const std::vector<DidRangeEntry>& entries() const { return ranges_; }
  size_t size() const { return ranges_.size(); }
  bool empty() const { return ranges_.empty(); }
  auto begin() const { return ranges_.begin(); }
  auto end() const { return ranges_.end(); }
  const DidRangeEntry& operator[](size_t i) const { return ranges_[i]; }

  // What the snapshot build reports: the directory's memory (the ranges excluded), and the
  // ranges a number meets after the last bucket probe, at most and on average over the
  // first numbers of the ranges.
  size_t directory_bytes() const {
    return buckets_.capacity() * sizeof(Bucket) + levels_.capacity() * sizeof(Level) + sizeof(slots_);
  }
  size_t largest_slice() const { return largest_slice_; }
  double mean_slice() const { return ranges_.empty() ? 0 : static_cast<double>(slice_sum_) / ranges_.size(); }

 private:
  static constexpr uint32_t kRefineOver = 2;  // a bucket with more ranges gets its own directory
  static constexpr int kMaxDepth = 3;         // levels below the bit-length slots
  static constexpr uint32_t kScanMax = 8;     // longer slices are binary-searched

  // A directory over ranges_[begin, end), whose first numbers lie in [lo, lo + span]. An
  // empty one has lo = UINT64_MAX, and begin = end = the count of ranges below it.
  struct Level {
    uint64_t lo = UINT64_MAX;
    uint32_t begin = 0, end = 0;
    uint32_t directory = 0;  // its first bucket in buckets_ (it has buckets + 1)
    uint32_t buckets = 0;
    uint32_t shift = 0;      // bucket of a value = (value - lo) >> shift
  };
  struct Bucket {
    uint32_t first;      // the first range whose bucket is this one or a later one
    uint32_t level = 0;  // 1 + index in levels_ of this bucket's own directory; 0 = none
  };

  size_t scan(uint64_t value, uint32_t first, uint32_t last) const {
    if (last - first > kScanMax) return search(value, first, last);
    while (first < last && ranges_[first].from <= value) ++first;
    return first;
  }
  size_t search(uint64_t value, uint32_t first, uint32_t last) const;
  Level build_level(uint32_t begin, uint32_t end, int depth);

  std::vector<DidRangeEntry> ranges_;
  std::array<Level, 64> slots_{};  // by bit length of the value
  std::vector<Level> levels_;      // the buckets' own directories
  std::vector<Bucket> buckets_;
  size_t largest_slice_ = 0, slice_sum_ = 0;
};

}  // namespace c4::routing
