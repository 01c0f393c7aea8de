#include "model/objects.h"

namespace c4 {

uint64_t DID::counted_numbers() const {
  uint64_t n = numbers.size();
  for (const auto& r : ranges) n += r.to.value - r.from.value + 1;
  return n;
}

std::string_view transport_name(Transport t) {
  switch (t) {
    case Transport::udp: return "udp";
    case Transport::tcp: return "tcp";
    case Transport::tls: return "tls";
  }
  return "udp";
}

}  // namespace c4
