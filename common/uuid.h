// RFC 4122 name-based UUIDs (version 5, SHA-1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace c4 {

// The RFC 4122 URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
inline constexpr std::string_view kUuidNamespaceUrl = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

// UUIDv5 of `name` in `namespace_uuid` (canonical lowercase form), same as Python's
// uuid.uuid5(). Returns nullopt when namespace_uuid is not a UUID.
std::optional<std::string> uuid_v5(std::string_view namespace_uuid, std::string_view name);

// True when `s` is a UUID in canonical 8-4-4-4-12 hex form (either case).
bool is_uuid(std::string_view s);

// The stable UUID of a tenant that does not set spec.uuid: uuid5(URL, "c4confd:tenant:" + name).
std::string tenant_uuid_from_name(std::string_view tenant_name);

}  // namespace c4
