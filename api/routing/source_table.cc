#include "api/routing/source_table.h"

#include <algorithm>
#include <cstring>

namespace c4::routing {

std::array<uint8_t, 16> mask_address(const std::array<uint8_t, 16>& address, uint8_t prefix_len) {
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < 16; ++i) {
    int bits = std::clamp(static_cast<int>(prefix_len) - static_cast<int>(i * 8), 0, 8);
    out[i] = static_cast<uint8_t>(address[i] & static_cast<uint8_t>(0xff00 >> bits));
  }
  return out;
}

size_t SourceTable::BytesHash::operator()(const std::array<uint8_t, 16>& b) const {
  uint64_t a, c;
  std::memcpy(&a, b.data(), 8);
  std::memcpy(&c, b.data() + 8, 8);
  return std::hash<uint64_t>{}(a * 0x9e3779b97f4a7c15ULL ^ c);
}

void SourceTable::add(const IpNetwork& network, uint32_t owner) {
  labels_.push_back("source " + network.to_string());
  by_length_[network.prefix_len][mask_address(network.bytes, network.prefix_len)].push_back(
      {owner, network, &labels_.back()});
  ++count_;
}

std::vector<SourceTable::Hit> SourceTable::lookup(const IpNetwork& address) const {
  std::vector<Hit> out;
  for (const auto& [length, bucket] : by_length_) {
    auto it = bucket.find(mask_address(address.bytes, length));
    if (it == bucket.end()) continue;
    for (const auto& hit : it->second) {
      bool seen = std::any_of(out.begin(), out.end(), [&](const Hit& h) { return h.owner == hit.owner; });
      if (!seen) out.push_back(hit);
    }
  }
  return out;
}

}  // namespace c4::routing
