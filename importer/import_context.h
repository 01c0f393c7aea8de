// State shared by the mapping steps of one import (importer/map_*.cc): the old rows, the names
// given so far (old id → manifest name; absent when the row was not imported), the files being
// written and the report. Internal to the importer.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "importer/import_report.h"
#include "importer/importer.h"
#include "importer/legacy_rows.h"
#include "importer/manifest_file.h"
#include "importer/names.h"
#include "importer/secret_refs.h"

namespace c4::importer {

struct ImportContext {
  ImportContext(const LegacyData& d, const ImportOptions& o, ImportReport& r)
      : data(d), options(o), report(r),
        secrets(o.secrets_as_files ? SecretRefs::Mode::file : SecretRefs::Mode::env, o.secrets_env_prefix,
                o.secrets_dir) {}

  const LegacyData& data;
  const ImportOptions& options;
  ImportReport& report;
  SecretRefs secrets;

  std::unordered_map<std::string, std::string> tenant;  // uuid → tenant name
  std::unordered_map<int64_t, std::string> domain, carrier, trunk, ipbx, profile;
  std::unordered_map<int64_t, std::string> domain_host;   // domain id → its SIP domain
  std::unordered_map<int64_t, std::string> ipbx_tenant;   // ipbx id → tenant uuid
  std::unordered_map<int64_t, std::string> trunk_tenant;  // trunk id → tenant uuid
  std::unordered_map<int64_t, std::string> ipbx_group;    // ipbx id → its routing group name
  std::map<std::string, NameBook> books;                  // "<tenant>/<kind>" → names taken
  std::set<std::string> bare_number_tenants;              // uuids whose numbers lack '+'
  std::map<std::string, std::string> fallback_profile;    // uuid → the e164-without-plus profile
  struct RuleMatch {
    std::string prefix, regex;  // E.164 prefix and RE2 regex, "" when none
    bool grouped = true;        // named by a routing_groups row
  };
  std::map<int64_t, RuleMatch> accepted_rules;  // routing_rules id → its match, for the rules kept

  // The file at `path` (relative to the output root), created with `comment` when new.
  ManifestFile& file(const std::string& path, const std::string& comment);
  // The tenant folder "tenants/<name>" of `uuid`.
  std::string folder(const std::string& uuid) const { return "tenants/" + tenant.at(uuid); }
  // A name unique among the `kind` objects of tenant `uuid`.
  std::string name(const std::string& uuid, const std::string& kind, const std::string& wanted,
                   const std::string& fallback, int64_t id) {
    return books[uuid + "/" + kind].claim(wanted, fallback, id);
  }

  std::map<std::string, std::unique_ptr<ManifestFile>> files;
};

// The mapping steps, in the order import_legacy_data runs them (each needs the names the
// previous ones gave).
void map_tenants(ImportContext& ctx);
void map_domains_and_carriers(ImportContext& ctx);
void scan_number_style(ImportContext& ctx);
void map_profiles(ImportContext& ctx);
void map_trunks(ImportContext& ctx);
void plan_routing_groups(ImportContext& ctx);
void map_ipbxs(ImportContext& ctx);
void map_routing(ImportContext& ctx);
void map_dids(ImportContext& ctx);
void name_ipbxs(ImportContext& ctx);

// The normalizationProfile of a trunk or IPBX: its own profile's name, else the tenant's
// e164-without-plus profile (when it has one), else "". Reports a profile that was not imported.
std::string profile_for(ImportContext& ctx, const OptInt& profile_id, const std::string& uuid, const std::string& table,
                        int64_t id);

}  // namespace c4::importer
