#include "model/kind.h"

namespace c4 {

const std::array<KindInfo, kKindCount>& all_kinds() {
  static const std::array<KindInfo, kKindCount> kinds = {{
      {Kind::Tenant, "Tenant", "tenant.json", false},
      {Kind::Domain, "Domain", "domain.json", true},
      {Kind::Carrier, "Carrier", "carrier.json", true},
      {Kind::NormalizationProfile, "NormalizationProfile", "normalization-profile.json", true},
      {Kind::CarrierTrunk, "CarrierTrunk", "carrier-trunk.json", true},
      {Kind::RoutingGroup, "RoutingGroup", "routing-group.json", true},
      {Kind::IPBX, "IPBX", "ipbx.json", true},
      {Kind::DID, "DID", "did.json", true},
      {Kind::RoutingRule, "RoutingRule", "routing-rule.json", true},
      {Kind::ApiToken, "ApiToken", "api-token.json", false},
  }};
  return kinds;
}

const KindInfo& kind_info(Kind k) { return all_kinds()[static_cast<size_t>(k)]; }

std::string_view kind_name(Kind k) { return kind_info(k).name; }

std::optional<Kind> kind_from_name(std::string_view name) {
  for (const auto& info : all_kinds())
    if (info.name == name) return info.kind;
  return std::nullopt;
}

}  // namespace c4
