// common/uuid: name-based UUIDs must match Python's uuid.uuid5 byte for byte, since tenant ids
// derived here are sent to Kamailio and compared with ids computed elsewhere.
#include "common/uuid.h"

#include <doctest/doctest.h>

namespace c4 {
namespace {

TEST_CASE("uuid_v5 of the tenant name in the URL namespace matches Python uuid5") {
  // python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "c4confd:tenant:acme"))'
  CHECK(uuid_v5(kUuidNamespaceUrl, "c4confd:tenant:acme") == "142b78a0-d0c0-57eb-92a4-b7806c80e135");
  CHECK(uuid_v5(kUuidNamespaceUrl, "c4confd:tenant:lagoon") == "8c97b58d-c0ac-5851-88c5-d31256249cab");
  CHECK(uuid_v5(kUuidNamespaceUrl, "python.org") == "7af94e2b-4dd9-50f0-9c9a-8a48519bdef0");
}

TEST_CASE("uuid_v5 of an empty name matches Python uuid5") {
  CHECK(uuid_v5(kUuidNamespaceUrl, "") == "1b4db7eb-4057-5ddf-91e0-36dec72071f5");
}

TEST_CASE("uuid_v5 in the DNS namespace matches Python uuid5") {
  // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
  CHECK(uuid_v5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org") == "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST_CASE("uuid_v5 accepts an upper-case namespace and answers in lower case") {
  CHECK(uuid_v5("6BA7B811-9DAD-11D1-80B4-00C04FD430C8", "x") == "4cd605e7-afa2-5360-b5b9-c5e9fb5c76f4");
  CHECK(uuid_v5(kUuidNamespaceUrl, "x") == "4cd605e7-afa2-5360-b5b9-c5e9fb5c76f4");
}

TEST_CASE("uuid_v5 with a namespace that is not a UUID gives nothing") {
  CHECK_FALSE(uuid_v5("not-a-uuid", "acme").has_value());
  CHECK_FALSE(uuid_v5("6ba7b8119dad11d180b400c04fd430c8", "acme").has_value());
  CHECK_FALSE(uuid_v5("", "acme").has_value());
}

TEST_CASE("uuid_v5 sets the version 5 and RFC 4122 variant bits") {
  auto u = uuid_v5(kUuidNamespaceUrl, "anything at all");
  REQUIRE(u.has_value());
  CHECK(is_uuid(*u));
  CHECK((*u)[14] == '5');
  CHECK(std::string("89ab").find((*u)[19]) != std::string::npos);
}

TEST_CASE("tenant_uuid_from_name derives uuid5 of c4confd:tenant:NAME") {
  CHECK(tenant_uuid_from_name("acme") == "142b78a0-d0c0-57eb-92a4-b7806c80e135");
  CHECK(tenant_uuid_from_name("lagoon") == "8c97b58d-c0ac-5851-88c5-d31256249cab");
}

TEST_CASE("is_uuid accepts the canonical 8-4-4-4-12 form in either case") {
  CHECK(is_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8"));
  CHECK(is_uuid("6BA7B811-9DAD-11D1-80B4-00C04FD430C8"));
  CHECK(is_uuid("00000000-0000-0000-0000-000000000000"));
}

TEST_CASE("is_uuid rejects wrong length misplaced dashes and non-hex digits") {
  CHECK_FALSE(is_uuid(""));
  CHECK_FALSE(is_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c"));    // 35 characters
  CHECK_FALSE(is_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8a"));  // 37 characters
  CHECK_FALSE(is_uuid("6ba7b8119-dad-11d1-80b4-00c04fd430c8"));   // dash moved
  CHECK_FALSE(is_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430cg"));   // 'g'
  CHECK_FALSE(is_uuid("{ba7b811-9dad-11d1-80b4-00c04fd430c8"));
  CHECK_FALSE(is_uuid("6ba7b8119dad11d180b400c04fd430c8"));       // no dashes
}

}  // namespace
}  // namespace c4
