// Base64 (RFC 4648, standard alphabet), as OpenSSH writes keys, hashed known_hosts names and
// SHA256: fingerprints. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace c4 {

// The bytes `in` encodes; trailing '=' padding is optional. nullopt on any character outside
// the alphabet (white space included).
std::optional<std::string> base64_decode(std::string_view in);

// The encoding of `n` bytes at `data` without '=' padding (ssh-keygen's fingerprint form).
std::string base64_encode_unpadded(const uint8_t* data, size_t n);

}  // namespace c4
