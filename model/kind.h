// The kinds of manifest objects and the facts about each that code needs: its name in YAML,
// its schema file, whether it belongs to a tenant, and its place in dependency order.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace c4 {

inline constexpr std::string_view kApiVersion = "c4confd/v1";

// Declared in dependency order: an object only refers to kinds declared before its own
// (creates go in this order, deletes in reverse).
enum class Kind {
  Tenant,
  Domain,
  Carrier,
  NormalizationProfile,
  CarrierTrunk,
  RoutingGroup,
  IPBX,
  DID,
  RoutingRule,
  ApiToken,
};
inline constexpr size_t kKindCount = 10;

struct KindInfo {
  Kind kind;
  std::string_view name;         // as written in `kind:`
  std::string_view schema_file;  // in schemas/
  bool tenant_scoped;            // metadata.tenant required (else forbidden)
};

const std::array<KindInfo, kKindCount>& all_kinds();
const KindInfo& kind_info(Kind k);
std::string_view kind_name(Kind k);
// Looks up a kind by its YAML name ("CarrierTrunk"); nullopt when unknown.
std::optional<Kind> kind_from_name(std::string_view name);

}  // namespace c4
