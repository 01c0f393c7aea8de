// Routing rules: one RoutingGroup per IPBX that has rules, since an old rule names the IPBX
// whose calls it routes (routing_rules.ipbx_id) and c4confd attaches a plan to an IPBX.
#include <map>

#include "importer/field_checks.h"
#include "importer/import_context.h"
#include "importer/old_numbers.h"

namespace c4::importer {
namespace {

const char* kComment =
    "Imported from wazo-router-confd by c4confd import: the routing_rules of one IPBX. The old\n"
    "service stored these rules but sent every outbound call to a trunk of the tenant; c4confd\n"
    "applies them (longest prefix first).";

// The tenant a rule belongs to, from its routing_groups rows; "" when it has none. Reports
// rows that disagree with the rule's IPBX.
std::map<int64_t, std::string> group_tenants(ImportContext& ctx) {
  std::map<int64_t, std::string> out;
  for (const auto& g : ctx.data.routing_groups) {
    if (!g.routing_rule_id) {
      ctx.report.note("routing_groups", g.id, "no routing_rule_id: an empty group row, nothing to import");
      continue;
    }
    out.try_emplace(*g.routing_rule_id, g.tenant_uuid);
  }
  return out;
}

// Why `r` cannot become a RoutingRule, or "" when it can.
std::string refusal(ImportContext& ctx, const OldRoutingRule& r, const std::string& group_tenant) {
  if (!ctx.ipbx.count(r.ipbx_id)) return "its IPBX " + std::to_string(r.ipbx_id) + " was not imported";
  if (!ctx.trunk.count(r.carrier_trunk_id)) return "its carrier trunk " + std::to_string(r.carrier_trunk_id) + " was not imported";
  const std::string& uuid = ctx.ipbx_tenant.at(r.ipbx_id);
  if (ctx.trunk_tenant.at(r.carrier_trunk_id) != uuid) return "its carrier trunk belongs to another tenant than its IPBX";
  if (!group_tenant.empty() && group_tenant != uuid) return "its routing group belongs to another tenant than its IPBX";
  if (r.route_type != "pstn") return "route_type " + shown(r.route_type) + " has no equivalent (only pstn)";
  return "";
}

}  // namespace

void plan_routing_groups(ImportContext& ctx) {
  auto tenants = group_tenants(ctx);
  for (const auto& r : ctx.data.routing_rules) {
    auto t = tenants.find(r.id);
    std::string why = refusal(ctx, r, t == tenants.end() ? "" : t->second);
    ImportContext::RuleMatch match;
    match.grouped = t != tenants.end();
    if (why.empty() && !r.prefix.value_or("").empty())
      if (auto p = e164_prefix(*r.prefix, &why)) match.prefix = *p;
    if (why.empty() && !r.did_regex.value_or("").empty())
      if (auto re = plus_anchored_regex(*r.did_regex, &why)) match.regex = *re;
    if (!why.empty()) {
      ctx.report.unmapped("routing_rules", r.id, why);
      continue;
    }
    ctx.accepted_rules[r.id] = match;
    if (ctx.ipbx_group.count(r.ipbx_id)) continue;
    const std::string& uuid = ctx.ipbx_tenant.at(r.ipbx_id);
    ctx.ipbx_group[r.ipbx_id] = ctx.name(uuid, "RoutingGroup", ctx.ipbx.at(r.ipbx_id) + "-routes",
                                         "group-" + std::to_string(r.ipbx_id), r.ipbx_id);
  }
}

// Writes the group file of `r`'s IPBX (the RoutingGroup document first) and the rule.
static void write_routing_rule(ImportContext& ctx, const OldRoutingRule& r, const ImportContext::RuleMatch& m) {
  if (!m.grouped) ctx.report.note("routing_rules", r.id, "in no routing_groups row: imported into the routing group of its IPBX");
  const std::string& uuid = ctx.ipbx_tenant.at(r.ipbx_id);
  const std::string& tenant = ctx.tenant.at(uuid);
  const std::string& group = ctx.ipbx_group.at(r.ipbx_id);
  std::string path = ctx.folder(uuid) + "/routing/" + group + ".yaml";
  bool fresh = !ctx.files.count(path);
  auto& f = ctx.file(path, kComment);
  if (fresh) {
    f.begin("RoutingGroup", group, tenant, "ipbx/" + std::to_string(r.ipbx_id));
    put(f.out(), "description", "Outbound routes of IPBX " + ctx.ipbx.at(r.ipbx_id));
    f.end();
  }
  auto& out = f.begin("RoutingRule", ctx.name(uuid, "RoutingRule", "rule-" + std::to_string(r.id), "rule", r.id), tenant,
                      "routing_rules/" + std::to_string(r.id));
  put(out, "routingGroup", group);
  if (!m.prefix.empty() || !m.regex.empty()) {
    out << YAML::Key << "match" << YAML::Value << YAML::BeginMap;
    if (!m.prefix.empty())
      out << YAML::Key << "prefixes" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::DoubleQuoted << m.prefix
          << YAML::EndSeq;
    if (!m.regex.empty()) put(out, "regex", m.regex);
    out << YAML::EndMap;
  }
  out << YAML::Key << "targets" << YAML::Value << YAML::BeginSeq << YAML::Flow << YAML::BeginMap;
  put(out, "carrierTrunk", ctx.trunk.at(r.carrier_trunk_id));
  out << YAML::EndMap << YAML::EndSeq;
  f.end();
}

void map_routing(ImportContext& ctx) {
  for (const auto& r : ctx.data.routing_rules)
    if (auto it = ctx.accepted_rules.find(r.id); it != ctx.accepted_rules.end()) write_routing_rule(ctx, r, it->second);
}

}  // namespace c4::importer
