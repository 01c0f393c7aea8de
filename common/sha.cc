#include "common/sha.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace c4 {
namespace {

template <size_t N>
std::array<uint8_t, N> evp_digest(const EVP_MD* md, std::string_view data) {
  std::array<uint8_t, N> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  return out;
}

// HMAC of `data` with `key` under `md`, raw.
std::string hmac_raw(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string to_hex(const uint8_t* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = digits[bytes[i] >> 4];
    s[2 * i + 1] = digits[bytes[i] & 0xf];
  }
  return s;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(), nullptr); }
Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256::update(std::string_view data) { EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()); }
std::string Sha256::hex() {
  uint8_t out[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), out, &len);
  return to_hex(out, len);
}

std::string sha256_hex(std::string_view data) {
  auto d = evp_digest<32>(EVP_sha256(), data);
  return to_hex(d.data(), d.size());
}

std::array<uint8_t, 32> sha256_raw(std::string_view data) { return evp_digest<32>(EVP_sha256(), data); }

std::array<uint8_t, 20> sha1_raw(std::string_view data) { return evp_digest<20>(EVP_sha1(), data); }

std::string md5_hex(std::string_view data) {
  auto d = evp_digest<16>(EVP_md5(), data);
  return to_hex(d.data(), d.size());
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::string mac = hmac_raw(EVP_sha256(), key, data);
  return to_hex(reinterpret_cast<const uint8_t*>(mac.data()), mac.size());
}

std::string hmac_sha1_raw(std::string_view key, std::string_view data) { return hmac_raw(EVP_sha1(), key, data); }

}  // namespace c4
