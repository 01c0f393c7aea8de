// Cryptographic digests used across c4confd (OpenSSL). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace c4 {

// SHA-256 of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);
// SHA-1 of `data`, raw 20 bytes.
std::array<uint8_t, 20> sha1_raw(std::string_view data);
// MD5 of `data`, as 32 lowercase hex digits (SIP digest HA1).
std::string md5_hex(std::string_view data);
// HMAC-SHA256 of `data` with `key`, as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Lowercase hex of raw bytes.
std::string to_hex(const uint8_t* bytes, size_t n);

}  // namespace c4
