// A compact open-addressing hash table from non-zero uint64 keys to uint32 values, for the
// million-entry number tables of the snapshot (std::unordered_map would cost about four times
// the memory and a pointer chase per probe). Built once, then read-only: concurrent find()
// calls are safe, insert() is not.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace c4::routing {

class FlatU64Map {
 public:
  // Sizes the table for `expected` entries (load factor at most 1/2).
  void reserve(size_t expected);
  // Inserts or replaces. REQUIRES: key != 0.
  void insert(uint64_t key, uint32_t value);
  // Inline: it is the whole of the number lookup step (did_lookup.h).
  std::optional<uint32_t> find(uint64_t key) const {
    if (keys_.empty() || key == 0) return std::nullopt;
    const size_t mask = keys_.size() - 1;
    for (size_t i = slot(key);; i = (i + 1) & mask) {
      if (keys_[i] == key) return values_[i];
      if (keys_[i] == 0) return std::nullopt;
    }
  }
  size_t size() const { return size_; }

 private:
  // Fibonacci hashing: the high bits of key × 2^64/φ. Numbers of a block differ only in their
  // low digits, and one multiplication spreads consecutive keys evenly over the table (a
  // splitmix64 finalizer did as well, for three times the latency on the lookup path).
  size_t slot(uint64_t key) const { return static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_); }
  void grow();
  std::vector<uint64_t> keys_;  // 0 = empty
  std::vector<uint32_t> values_;
  size_t size_ = 0;
  unsigned shift_ = 64;  // 64 - log2(table size)
};

}  // namespace c4::routing
