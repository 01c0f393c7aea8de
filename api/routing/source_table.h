// Which IPBXs or trunks a source address belongs to: longest CIDR match over IPv4 and IPv6
// (IPv4 is held as IPv4-mapped IPv6, as model/net.h parses it). Built once, then read-only;
// concurrent lookups are safe.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/net.h"

namespace c4::routing {

class SourceTable {
 public:
  struct Hit {
    uint32_t owner;
    IpNetwork network;         // the allowed source that matched
    const std::string* label;  // "source 192.0.2.32/29", owned by the table
  };
  SourceTable() = default;
  SourceTable(SourceTable&&) = default;  // labels_ keeps its strings where they are
  SourceTable& operator=(SourceTable&&) = default;
  SourceTable(const SourceTable&) = delete;  // a copy's hits would point into the original
  SourceTable& operator=(const SourceTable&) = delete;

  void add(const IpNetwork& network, uint32_t owner);
  // Every owner whose networks contain `address`, most specific network first (ties in the
  // order they were added). An owner appears once, with its most specific network.
  std::vector<Hit> lookup(const IpNetwork& address) const;
  size_t size() const { return count_; }

 private:
  struct BytesHash {
    size_t operator()(const std::array<uint8_t, 16>& b) const;
  };
  using Bucket = std::unordered_map<std::array<uint8_t, 16>, std::vector<Hit>, BytesHash>;
  // The networks of one prefix length, with that length's mask computed once (a lookup masks
  // the address once per length: two ANDs rather than a loop over 16 bytes).
  struct Length {
    uint8_t prefix_len;
    uint64_t mask[2];
    Bucket networks;  // masked network address → its owners, in the order added
  };
  std::vector<Length> by_length_;  // longest prefix first
  std::deque<std::string> labels_;                        // stable addresses for Hit::label
  size_t count_ = 0;
};

// `address` with the bits after `prefix_len` cleared.
std::array<uint8_t, 16> mask_address(const std::array<uint8_t, 16>& address, uint8_t prefix_len);

}  // namespace c4::routing
