#include "api/routing/flat_map.h"

namespace c4::routing {

void FlatU64Map::reserve(size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2) cap <<= 1;
  if (cap <= keys_.size()) return;
  std::vector<uint64_t> old_keys = std::move(keys_);
  std::vector<uint32_t> old_values = std::move(values_);
  keys_.assign(cap, 0);
  values_.assign(cap, 0);
  shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(cap));
  size_ = 0;
  for (size_t i = 0; i < old_keys.size(); ++i)
    if (old_keys[i]) insert(old_keys[i], old_values[i]);
}

void FlatU64Map::grow() { reserve(keys_.empty() ? 8 : keys_.size()); }

void FlatU64Map::insert(uint64_t key, uint32_t value) {
  if ((size_ + 1) * 2 > keys_.size()) grow();
  size_t mask = keys_.size() - 1;
  for (size_t i = slot(key);; i = (i + 1) & mask) {
    if (keys_[i] == key) {
      values_[i] = value;
      return;
    }
    if (keys_[i] == 0) {
      keys_[i] = key;
      values_[i] = value;
      ++size_;
      return;
    }
  }
}

}  // namespace c4::routing
