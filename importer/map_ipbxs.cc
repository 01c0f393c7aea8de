// IPBXs: names first (routing groups are named after them), then the manifests.
#include <cctype>

#include "importer/field_checks.h"
#include "importer/import_context.h"
#include "model/net.h"

namespace c4::importer {
namespace {

const char* kComment = "Imported from wazo-router-confd by c4confd import.";

bool is_ha1(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// username, then ha1 (the old password_ha1: md5 over the IPBX's domain, which is what
// c4confd's digest realm defaults to) or a passwordFrom reference for the hashed password.
void write_credentials(ImportContext& ctx, YAML::Emitter& out, const OldIpbx& x, const std::string& tenant,
                       const std::string& name) {
  const std::string table = "ipbx";
  std::string user = x.username.value_or("");
  if (!user.empty() && !is_sip_user(user)) {
    ctx.report.unmapped(table, x.id, "username " + shown(user) + " is not a SIP user name; credentials left out");
    return;
  }
  if (user.empty()) return;
  put(out, "username", user);
  std::string ha1 = x.password_ha1.value_or("");
  bool has_password = !x.password.value_or("").empty();
  if (is_ha1(ha1)) {
    put(out, "ha1", ha1);
    if (has_password)
      ctx.report.note(table, x.id,
                      "password (a one-way hash) not carried over: ha1 keeps its digest working; if the PBX challenges "
                      "the calls sent to it, replace ha1 by passwordFrom with the real secret");
    return;
  }
  if (!ha1.empty()) ctx.report.unmapped(table, x.id, "password_ha1 " + shown(ha1) + " is not 32 hex digits; left out");
  if (has_password)
    ctx.secrets.write_ref(out, tenant, "ipbx", name,
                          "SIP password of IPBX " + tenant + "/" + name + " (ipbx " + std::to_string(x.id) + ")");
}

void write_sources(ImportContext& ctx, YAML::Emitter& out, const OldIpbx& x) {
  std::vector<std::string> good, bad;
  if (x.ip_address) split_addresses(*x.ip_address, good, bad);
  for (const auto& b : bad) ctx.report.unmapped("ipbx", x.id, "ip_address " + shown(b) + " is not an IP address or network; left out");
  if (!good.empty()) {
    out << YAML::Key << "allowedSources" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& g : good) out << YAML::DoubleQuoted << g;
    out << YAML::EndSeq;
  } else if (x.username.value_or("").empty()) {
    ctx.report.note("ipbx", x.id,
                    "no source address and no username: the old service let it match every caller (a known defect); "
                    "imported without allowedSources, so its calls are not recognised until allowedSources is set");
  }
}

}  // namespace

void name_ipbxs(ImportContext& ctx) {
  for (const auto& x : ctx.data.ipbxs) {
    if (!ctx.tenant.count(x.tenant_uuid)) {
      ctx.report.unmapped("ipbx", x.id, "its tenant " + shown(x.tenant_uuid) + " is not in the tenants table");
      continue;
    }
    if (!ctx.domain.count(x.domain_id)) {
      ctx.report.unmapped("ipbx", x.id, "its domain " + std::to_string(x.domain_id) + " was not imported");
      continue;
    }
    if (!is_host(x.ip_fqdn)) {
      ctx.report.unmapped("ipbx", x.id, "ip_fqdn " + shown(x.ip_fqdn) + " is not an IP address or DNS name");
      continue;
    }
    std::string wanted = x.username.value_or("").empty() ? x.ip_fqdn : *x.username;
    ctx.ipbx[x.id] = ctx.name(x.tenant_uuid, "IPBX", wanted, "ipbx-" + std::to_string(x.id), x.id);
    ctx.ipbx_tenant[x.id] = x.tenant_uuid;
  }
}

void map_ipbxs(ImportContext& ctx) {
  for (const auto& x : ctx.data.ipbxs) {
    if (!ctx.ipbx.count(x.id)) continue;
    const std::string& name = ctx.ipbx.at(x.id);
    const std::string& tenant = ctx.tenant.at(x.tenant_uuid);
    auto& f = ctx.file(ctx.folder(x.tenant_uuid) + "/ipbxs.yaml", kComment);
    auto& out = f.begin("IPBX", name, tenant, "ipbx/" + std::to_string(x.id));
    put(out, "domain", ctx.domain.at(x.domain_id));
    put(out, "host", x.ip_fqdn);
    if (is_port(x.port)) put(out, "port", x.port);
    else ctx.report.unmapped("ipbx", x.id, "port " + std::to_string(x.port) + " is not a port; 5060 used");
    write_sources(ctx, out, x);
    if (x.registered) put_bool(out, "registered", true);
    write_credentials(ctx, out, x, tenant, name);
    if (auto realm = x.realm.value_or(""); !realm.empty()) {
      if (is_realm(realm)) put(out, "realm", realm);
      else ctx.report.unmapped("ipbx", x.id, "realm " + shown(realm) + " holds a quote, backslash or control byte; left out");
    }
    if (x.customer) put(out, "customer", std::to_string(*x.customer));
    if (auto p = profile_for(ctx, x.profile_id, x.tenant_uuid, "ipbx", x.id); !p.empty()) put(out, "normalizationProfile", p);
    if (auto g = ctx.ipbx_group.find(x.id); g != ctx.ipbx_group.end()) put(out, "routingGroup", g->second);
    else
      ctx.report.note("ipbx", x.id,
                      "no routing rule: its outbound calls get no route (the old service sent them to any trunk of "
                      "the tenant, a known defect)");
    f.end();
  }
}

}  // namespace c4::importer
