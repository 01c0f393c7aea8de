// The one rule for which manifest fields hold secrets. Every output that shows a spec or a
// field of one (plan text and JSON, the REST views) replaces their values with kRedacted:
// only the Kamailio endpoints ever carry a secret (docs/manifests.md, "Secrets").
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "model/kind.h"

namespace c4 {

inline constexpr std::string_view kRedacted = "<redacted>";

// True for the spec keys whose value is a secret, at any depth: the secret fields of any kind
// of the registry (model/kind.h: `password` of trunk registrations and IPBXs, an IPBX's `ha1`).
// One rule for every kind, since a plan or a view may show a field of any of them.
inline bool is_secret_field(std::string_view key) {
  for (const KindInfo& info : all_kinds())
    for (const char* field : info.secret_fields)
      if (key == field) return true;
  return false;
}

// `value` as it may be shown under `key`: kRedacted for a secret field that is set.
inline nlohmann::json shown_field(std::string_view key, const nlohmann::json& value) {
  return is_secret_field(key) && !value.is_null() ? nlohmann::json(std::string(kRedacted)) : value;
}

}  // namespace c4
