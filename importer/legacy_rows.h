// The rows of an old wazo-router-confd database, as the importer reads them
// (shared/reference/wazo-router-confd-data-model.md). Plain values: every nullable column is an
// optional, so "absent" and "empty" stay apart until a mapping decides what they mean.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace c4::importer {

using OptText = std::optional<std::string>;
using OptInt = std::optional<int64_t>;

struct OldTenant {
  std::string uuid, name;
};

struct OldDomain {
  int64_t id = 0;
  std::string tenant_uuid, domain;
};

struct OldCarrier {
  int64_t id = 0;
  std::string tenant_uuid, name;
};

struct OldTrunk {
  int64_t id = 0;
  std::string tenant_uuid;
  int64_t carrier_id = 0;
  OptInt profile_id;
  std::string name, sip_proxy;
  int64_t sip_proxy_port = 5060;
  OptText ip_address;
  bool registered = false;
  OptText auth_username, auth_password, realm, registrar_proxy, from_domain;
  int64_t expire_seconds = 3600, retry_seconds = 30;
};

struct OldIpbx {
  int64_t id = 0;
  std::string tenant_uuid;
  int64_t domain_id = 0;
  OptInt profile_id, customer;
  std::string ip_fqdn;
  OptText ip_address;
  int64_t port = 5060;
  bool registered = false;
  OptText username, password, password_ha1, realm;
};

struct OldDid {
  int64_t id = 0;
  std::string tenant_uuid;
  int64_t ipbx_id = 0, carrier_trunk_id = 0;
  std::string did_regex, did_prefix;
};

struct OldProfile {
  int64_t id = 0;
  std::string tenant_uuid, name;
  OptText country_code, area_code, intl_prefix, ld_prefix;
  bool always_intl_prefix_plus = false, always_ld = false;
};

struct OldNormalizationRule {
  int64_t id = 0, profile_id = 0, rule_type = 0, priority = 0;
  OptText match_regex, match_prefix, replace_regex;
};

struct OldRoutingRule {
  int64_t id = 0;
  OptText prefix, did_regex;
  int64_t carrier_trunk_id = 0, ipbx_id = 0;
  std::string route_type;
};

struct OldRoutingGroupRow {
  int64_t id = 0;
  std::string tenant_uuid;
  OptInt routing_rule_id;
};

// One consistent read of the old configuration, every list sorted by id (tenants by name).
struct LegacyData {
  std::vector<OldTenant> tenants;
  std::vector<OldDomain> domains;
  std::vector<OldCarrier> carriers;
  std::vector<OldTrunk> trunks;
  std::vector<OldIpbx> ipbxs;
  std::vector<OldDid> dids;
  std::vector<OldProfile> profiles;
  std::vector<OldNormalizationRule> normalization_rules;
  std::vector<OldRoutingRule> routing_rules;
  std::vector<OldRoutingGroupRow> routing_groups;
  int64_t cdr_count = 0;  // call history: counted, not imported
};

}  // namespace c4::importer
