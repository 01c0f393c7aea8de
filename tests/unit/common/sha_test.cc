// common/sha: digests against the standard test vectors (same values as Python's hashlib/hmac).
#include "common/sha.h"

#include <doctest/doctest.h>

namespace c4 {
namespace {

TEST_CASE("sha256_hex of the standard vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("The quick brown fox jumps over the lazy dog") ==
        "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
}

TEST_CASE("sha256_hex hashes embedded NUL bytes") {
  std::string with_nul("a\0b", 3);
  CHECK(sha256_hex(with_nul) != sha256_hex("a"));
  CHECK(sha256_hex(with_nul).size() == 64u);
}

TEST_CASE("md5_hex of the standard vectors and a SIP HA1") {
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(md5_hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6");
  // HA1 = MD5(username:realm:password)
  CHECK(md5_hex("alice:example.com:secret") == "b1726872c344b6dc8365b774f8fd6412");
}

TEST_CASE("sha1_raw of abc") {
  auto d = sha1_raw("abc");
  CHECK(to_hex(d.data(), d.size()) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  auto e = sha1_raw("");
  CHECK(to_hex(e.data(), e.size()) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST_CASE("hmac_sha256_hex against Python hmac") {
  CHECK(hmac_sha256_hex("key", "The quick brown fox jumps over the lazy dog") ==
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  CHECK(hmac_sha256_hex("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("hmac_sha256_hex with a key longer than the block size") {
  // hmac.new(b"k" * 100, b"data", "sha256").hexdigest()
  CHECK(hmac_sha256_hex(std::string(100, 'k'), "data") ==
        "09380ee4b802da2363bc96e8e0d133ba275458ea8ddbc564f986fc12b31f8cb1");
}

TEST_CASE("to_hex writes lower-case digits two per byte") {
  const uint8_t bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  CHECK(to_hex(bytes, 4) == "000fa0ff");
  CHECK(to_hex(bytes, 0) == "");
}

}  // namespace
}  // namespace c4
