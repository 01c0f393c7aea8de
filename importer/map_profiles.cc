// Normalization profiles and their rules.
#include <map>

#include "importer/field_checks.h"
#include "importer/import_context.h"
#include "importer/old_numbers.h"

namespace c4::importer {
namespace {

const char* kComment =
    "Imported from wazo-router-confd by c4confd import. The old data writes numbers without '+',\n"
    "so e164WithoutPlus is set: a number still digits only after the inbound rules gets its '+'.";

// One old rule as a rules[] item, or false after reporting why it cannot be one.
bool write_rule(ImportContext& ctx, YAML::Emitter& out, const OldNormalizationRule& r) {
  const std::string table = "normalization_rules";
  if (r.rule_type != 1 && r.rule_type != 2) {
    ctx.report.unmapped(table, r.id, "rule_type " + std::to_string(r.rule_type) + " is neither 1 (local to E.164) nor 2 (E.164 to local)");
    return false;
  }
  std::string match = r.match_regex.value_or("");
  if (match.empty()) {
    ctx.report.unmapped(table, r.id, "no match_regex: nothing to say what the rule matches");
    return false;
  }
  std::string why;
  // Outbound rules now see the number with its '+' (E.164); the old ones saw it without.
  auto regex = r.rule_type == 2 ? plus_anchored_regex(match, &why)
                                : (re2_error(match) ? std::nullopt : std::optional<std::string>(match));
  if (!regex) {
    ctx.report.unmapped(table, r.id, why.empty() ? "match_regex " + shown(match) + " is refused by RE2: " + *re2_error(match) : why);
    return false;
  }
  auto replace = re2_replacement(r.replace_regex.value_or(""), &why);
  if (!replace || !is_replacement(*replace)) {
    ctx.report.unmapped(table, r.id, replace ? "replace_regex " + shown(*replace) + " holds characters a SIP URI user cannot" : why);
    return false;
  }
  out << YAML::BeginMap;
  put(out, "name", "rule-" + std::to_string(r.id));
  put(out, "direction", r.rule_type == 1 ? "inbound" : "outbound");
  put(out, "priority", r.priority);
  put(out, "match", *regex);
  put(out, "replace", *replace);
  out << YAML::EndMap;
  return true;
}

// An optional digits column: written when valid, reported when not.
void put_digits(ImportContext& ctx, YAML::Emitter& out, const char* key, const OptText& value, size_t max,
                const char* column, int64_t id) {
  if (!value || value->empty()) return;
  if (is_digits(*value, 1, max)) put(out, key, *value);
  else ctx.report.unmapped("normalization_profiles", id, std::string(column) + " " + shown(*value) + " is not 1 to " + std::to_string(max) + " digits; left out");
}

void write_fallback_profiles(ImportContext& ctx, const std::map<std::string, std::string>& country) {
  for (const auto& uuid : ctx.bare_number_tenants) {
    if (!ctx.tenant.count(uuid)) continue;
    std::string name = ctx.name(uuid, "NormalizationProfile", "e164-without-plus", "e164-without-plus", 0);
    ctx.fallback_profile[uuid] = name;
    auto& f = ctx.file(ctx.folder(uuid) + "/normalization.yaml", kComment);
    auto& out = f.begin("NormalizationProfile", name, ctx.tenant.at(uuid), "none");
    auto it = country.find(uuid);
    put(out, "countryCode", it == country.end() ? std::string("1") : it->second);
    put(out, "longDistancePrefix", "");
    put_bool(out, "e164WithoutPlus", true);
    f.end();
  }
}

}  // namespace

void scan_number_style(ImportContext& ctx) {
  for (const auto& d : ctx.data.dids)
    if (written_without_plus(d.did_regex)) ctx.bare_number_tenants.insert(d.tenant_uuid);
}

void map_profiles(ImportContext& ctx) {
  std::map<int64_t, std::vector<const OldNormalizationRule*>> rules;
  for (const auto& r : ctx.data.normalization_rules) rules[r.profile_id].push_back(&r);
  std::map<std::string, std::string> country;  // tenant → its first profile's country code
  for (const auto& p : ctx.data.profiles) {
    if (!ctx.tenant.count(p.tenant_uuid)) {
      ctx.report.unmapped("normalization_profiles", p.id, "its tenant " + shown(p.tenant_uuid) + " is not in the tenants table");
      continue;
    }
    std::string cc = p.country_code.value_or("");
    if (!is_digits(cc, 1, 3, true)) {
      ctx.report.unmapped("normalization_profiles", p.id, "country_code " + shown(cc) + " is not a country calling code");
      continue;
    }
    country.try_emplace(p.tenant_uuid, cc);
    std::string name = ctx.name(p.tenant_uuid, "NormalizationProfile", p.name, "profile-" + std::to_string(p.id), p.id);
    ctx.profile[p.id] = name;
    auto& f = ctx.file(ctx.folder(p.tenant_uuid) + "/normalization.yaml", kComment);
    auto& out = f.begin("NormalizationProfile", name, ctx.tenant.at(p.tenant_uuid), "normalization_profiles/" + std::to_string(p.id));
    put(out, "countryCode", cc);
    put_digits(ctx, out, "areaCode", p.area_code, 5, "area_code", p.id);
    put_digits(ctx, out, "internationalPrefix", p.intl_prefix, 4, "intl_prefix", p.id);
    if (p.ld_prefix && is_digits(*p.ld_prefix, 0, 2)) put(out, "longDistancePrefix", *p.ld_prefix);
    else put_digits(ctx, out, "longDistancePrefix", p.ld_prefix, 2, "ld_prefix", p.id);
    if (p.always_intl_prefix_plus) put_bool(out, "alwaysInternationalPlus", true);
    if (p.always_ld) put_bool(out, "alwaysLongDistance", true);
    if (ctx.bare_number_tenants.count(p.tenant_uuid)) put_bool(out, "e164WithoutPlus", true);
    out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
    for (const auto* r : rules[p.id]) write_rule(ctx, out, *r);
    out << YAML::EndSeq;
    rules.erase(p.id);
    f.end();
  }
  for (const auto& [profile_id, orphans] : rules)
    for (const auto* r : orphans)
      ctx.report.unmapped("normalization_rules", r->id, "its profile " + std::to_string(profile_id) + " was not imported");
  write_fallback_profiles(ctx, country);
}

}  // namespace c4::importer
