// The one rule for which manifest fields hold secrets. Every output that shows a spec or a
// field of one (plan text and JSON, the REST views) replaces their values with kRedacted:
// only the Kamailio endpoints ever carry a secret (docs/manifests.md, "Secrets").
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace c4 {

inline constexpr std::string_view kRedacted = "<redacted>";

// True for the spec keys whose value is a secret, at any depth: `password` (plain SIP
// passwords of trunk registrations and IPBXs) and `ha1` (an IPBX's digest hash, which
// authenticates as well as the password).
inline bool is_secret_field(std::string_view key) { return key == "password" || key == "ha1"; }

// `value` as it may be shown under `key`: kRedacted for a secret field that is set.
inline nlohmann::json shown_field(std::string_view key, const nlohmann::json& value) {
  return is_secret_field(key) && !value.is_null() ? nlohmann::json(std::string(kRedacted)) : value;
}

}  // namespace c4
