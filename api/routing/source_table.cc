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

namespace {

std::array<uint8_t, 16> apply_mask(const std::array<uint8_t, 16>& address, const uint64_t (&mask)[2]) {
  uint64_t w[2];
  std::memcpy(w, address.data(), 16);
  w[0] &= mask[0];
  w[1] &= mask[1];
  std::array<uint8_t, 16> out;
  std::memcpy(out.data(), w, 16);
  return out;
}

}  // namespace

void SourceTable::add(const IpNetwork& network, uint32_t owner) {
  labels_.push_back("source " + network.to_string());
  auto at = std::find_if(by_length_.begin(), by_length_.end(),
                         [&](const Length& l) { return l.prefix_len <= network.prefix_len; });
  if (at == by_length_.end() || at->prefix_len != network.prefix_len) {
    Length l{network.prefix_len, {}, {}};
    std::array<uint8_t, 16> ones;
    ones.fill(0xff);
    std::array<uint8_t, 16> mask = mask_address(ones, network.prefix_len);
    std::memcpy(l.mask, mask.data(), 16);
    at = by_length_.insert(at, std::move(l));
  }
  at->networks[apply_mask(network.bytes, at->mask)].push_back({owner, network, &labels_.back()});
  ++count_;
}

std::vector<SourceTable::Hit> SourceTable::lookup(const IpNetwork& address) const {
  std::vector<Hit> out;
  for (const Length& l : by_length_) {
    auto it = l.networks.find(apply_mask(address.bytes, l.mask));
    if (it == l.networks.end()) continue;
    for (const auto& hit : it->second) {
      bool seen = std::any_of(out.begin(), out.end(), [&](const Hit& h) { return h.owner == hit.owner; });
      if (!seen) out.push_back(hit);
    }
  }
  return out;
}

}  // namespace c4::routing
