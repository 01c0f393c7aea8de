#include "store/tables.h"

#include <array>

namespace c4 {
namespace {

using Values = std::vector<std::optional<std::string>>;

std::optional<std::string> text_or_null(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

const KindTable& kind_table(Kind kind) {
  static const std::array<KindTable, kKindCount> tables = {{
      {Kind::Tenant, "tenants", {}, {{"uuid", "uuid"}}},
      {Kind::Domain, "domains", {}, {{"domain", "text"}}},
      {Kind::Carrier, "carriers", {}, {}},
      {Kind::NormalizationProfile, "normalization_profiles", {}, {}},
      {Kind::CarrierTrunk, "carrier_trunks",
       {{"carrier_id", "carrier", Kind::Carrier},
        {"normalization_profile_id", "normalizationProfile", Kind::NormalizationProfile}},
       {}},
      {Kind::RoutingGroup, "routing_groups", {}, {}},
      {Kind::IPBX, "ipbxs",
       {{"domain_id", "domain", Kind::Domain},
        {"normalization_profile_id", "normalizationProfile", Kind::NormalizationProfile},
        {"routing_group_id", "routingGroup", Kind::RoutingGroup}},
       {}},
      {Kind::DID, "dids",
       {{"ipbx_id", "ipbx", Kind::IPBX}, {"carrier_trunk_id", "carrierTrunk", Kind::CarrierTrunk}},
       {{"regex", "text"}}},
      {Kind::RoutingRule, "routing_rules", {{"routing_group_id", "routingGroup", Kind::RoutingGroup}},
       {{"priority", "integer"}}},
      {Kind::ApiToken, "api_tokens", {}, {{"sha256", "text"}}},
  }};
  return tables[static_cast<size_t>(kind)];
}

Values value_columns(const Tenant& o) { return {o.uuid}; }
Values value_columns(const Domain& o) { return {o.domain}; }
Values value_columns(const Carrier&) { return {}; }
Values value_columns(const NormalizationProfile&) { return {}; }
Values value_columns(const CarrierTrunk&) { return {}; }
Values value_columns(const RoutingGroup&) { return {}; }
Values value_columns(const IPBX&) { return {}; }
Values value_columns(const DID& o) { return {text_or_null(o.regex)}; }
Values value_columns(const RoutingRule& o) { return {std::to_string(o.priority)}; }
Values value_columns(const ApiToken& o) { return {o.sha256}; }

}  // namespace c4
