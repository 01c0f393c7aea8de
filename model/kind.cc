#include "model/kind.h"

namespace c4 {

const std::array<KindInfo, kKindCount>& all_kinds() {
  // clang-format off
  static const std::array<KindInfo, kKindCount> kinds = {{
      {Kind::Tenant, "Tenant", "tenant.json", false, "tenants", "tenants", "tenant", {}, {}},
      {Kind::Domain, "Domain", "domain.json", true, "domains", "domains", "domain", {}, {}},
      {Kind::Carrier, "Carrier", "carrier.json", true, "carriers", "carriers", "carrier", {}, {}},
      {Kind::NormalizationProfile, "NormalizationProfile", "normalization-profile.json", true,
       "normalization_profiles", "normalization_profiles", "normalization profile", {}, {}},
      {Kind::CarrierTrunk, "CarrierTrunk", "carrier-trunk.json", true, "carrier_trunks", "carrier_trunks",
       "carrier trunk",
       {{"carrier", "carrier_id", Kind::Carrier},
        {"normalizationProfile", "normalization_profile_id", Kind::NormalizationProfile}},
       {"password"},  // of spec.registration
       RedisProjection::source_addresses, "carrier_trunk"},
      {Kind::RoutingGroup, "RoutingGroup", "routing-group.json", true, "routing_groups", "routing_groups",
       "routing group", {}, {}},
      {Kind::IPBX, "IPBX", "ipbx.json", true, "ipbxs", "ipbxs", "IPBX",
       {{"domain", "domain_id", Kind::Domain},
        {"normalizationProfile", "normalization_profile_id", Kind::NormalizationProfile},
        {"routingGroup", "routing_group_id", Kind::RoutingGroup}},
       {"password", "ha1"},  // ha1 authenticates as well as the password
       RedisProjection::source_addresses, "ipbx"},
      {Kind::DID, "DID", "did.json", true, "dids", "dids", "DID",
       {{"ipbx", "ipbx_id", Kind::IPBX}, {"carrierTrunk", "carrier_trunk_id", Kind::CarrierTrunk}},
       {}, RedisProjection::did_numbers, ""},
      {Kind::RoutingRule, "RoutingRule", "routing-rule.json", true, "routing_rules", "routing_rules",
       "routing rule", {{"routingGroup", "routing_group_id", Kind::RoutingGroup}}, {}},
      {Kind::ApiToken, "ApiToken", "api-token.json", false, "api_tokens", "api_tokens", "API token", {}, {}},
  }};
  // clang-format on
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
