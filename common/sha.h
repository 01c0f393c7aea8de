// Cryptographic digests used across c4confd (OpenSSL). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace c4 {

// Incremental SHA-256, for content too large to concatenate first. Not thread-safe.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex();  // finishes the digest; call once

 private:
  void* ctx_;  // EVP_MD_CTX
};

// SHA-256 of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);
// SHA-256 of `data`, raw 32 bytes.
std::array<uint8_t, 32> sha256_raw(std::string_view data);
// SHA-1 of `data`, raw 20 bytes.
std::array<uint8_t, 20> sha1_raw(std::string_view data);
// MD5 of `data`, as 32 lowercase hex digits (SIP digest HA1).
std::string md5_hex(std::string_view data);
// HMAC-SHA256 of `data` with `key`, as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// HMAC-SHA1 of `data` with `key`, raw 20 bytes (OpenSSH's hashed known_hosts names).
std::string hmac_sha1_raw(std::string_view key, std::string_view data);
// Lowercase hex of raw bytes.
std::string to_hex(const uint8_t* bytes, size_t n);

}  // namespace c4
