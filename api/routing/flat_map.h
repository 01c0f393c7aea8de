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
    for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
      if (keys_[i] == key) return values_[i];
      if (keys_[i] == 0) return std::nullopt;
    }
  }
  size_t size() const { return size_; }

 private:
  static uint64_t mix(uint64_t k) {  // splitmix64 finalizer: numbers of a block differ only in low digits
    k ^= k >> 30; k *= 0xbf58476d1ce4e5b9ULL;
    k ^= k >> 27; k *= 0x94d049bb133111ebULL;
    return k ^ (k >> 31);
  }
  void grow();
  std::vector<uint64_t> keys_;  // 0 = empty
  std::vector<uint32_t> values_;
  size_t size_ = 0;
};

}  // namespace c4::routing
