#include "common/uuid.h"

#include <cctype>
#include <cstdint>

#include "common/sha.h"
#include "common/text.h"

namespace c4 {
bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? s[i] != '-' : hex_digit_value(s[i]) < 0) return false;
  }
  return true;
}

std::optional<std::string> uuid_v5(std::string_view namespace_uuid, std::string_view name) {
  if (!is_uuid(namespace_uuid)) return std::nullopt;
  std::string input;
  for (size_t i = 0; i < namespace_uuid.size(); ++i) {
    if (namespace_uuid[i] == '-') continue;
    int hi = hex_digit_value(namespace_uuid[i]), lo = hex_digit_value(namespace_uuid[i + 1]);
    input.push_back(static_cast<char>(hi << 4 | lo));
    ++i;
  }
  input.append(name);
  auto digest = sha1_raw(input);
  digest[6] = static_cast<uint8_t>((digest[6] & 0x0f) | 0x50);  // version 5
  digest[8] = static_cast<uint8_t>((digest[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex = to_hex(digest.data(), 16);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string tenant_uuid_from_name(std::string_view tenant_name) {
  return *uuid_v5(kUuidNamespaceUrl, "c4confd:tenant:" + std::string(tenant_name));
}

}  // namespace c4
