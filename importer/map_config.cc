// Tenants, domains, carriers and carrier trunks.
#include "importer/field_checks.h"
#include "importer/import_context.h"
#include "model/net.h"

namespace c4::importer {
namespace {

const char* kImported = "Imported from wazo-router-confd by c4confd import.";

// The tenant name of a row, or "" after reporting the row when its tenant was not imported.
std::string tenant_of(ImportContext& ctx, const std::string& uuid, const std::string& table, int64_t id) {
  if (ctx.tenant.count(uuid)) return ctx.tenant.at(uuid);
  ctx.report.unmapped(table, id, "its tenant " + shown(uuid) + " is not in the tenants table");
  return "";
}

// Writes allowedSources from an old ip_address column; reports what it drops.
void write_sources(ImportContext& ctx, YAML::Emitter& out, const OptText& column, const std::string& table,
                   int64_t id, bool identified_otherwise) {
  std::vector<std::string> good, bad;
  if (column) split_addresses(*column, good, bad);
  for (const auto& b : bad) ctx.report.unmapped(table, id, "ip_address " + shown(b) + " is not an IP address or network; left out");
  if (!good.empty()) {
    out << YAML::Key << "allowedSources" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& g : good) out << YAML::DoubleQuoted << g;
    out << YAML::EndSeq;
  } else if (!identified_otherwise) {
    ctx.report.note(table, id,
                    "no source address: the old service let it match every caller (a known defect); imported "
                    "without allowedSources, so no call is recognised as its own until allowedSources or "
                    "anySource: true is set");
  }
}

void write_registration(ImportContext& ctx, YAML::Emitter& out, const OldTrunk& t, const std::string& tenant,
                        const std::string& name) {
  const std::string table = "carrier_trunks";
  std::string user = t.auth_username.value_or("");
  if (user.empty() && !t.registered) return;
  if (!is_sip_user(user)) {
    ctx.report.unmapped(table, t.id, "auth_username " + shown(user) + " is not a SIP user name; registration left out");
    return;
  }
  out << YAML::Key << "registration" << YAML::Value << YAML::BeginMap;
  put_bool(out, "registered", t.registered);
  put(out, "username", user);
  if (!t.auth_password.value_or("").empty())
    ctx.secrets.write_ref(out, tenant, "trunk", name,
                          "registration password of carrier trunk " + tenant + "/" + name + " (carrier_trunks " +
                              std::to_string(t.id) + ")");
  if (auto r = t.realm.value_or(""); !r.empty()) {
    if (is_realm(r)) put(out, "realm", r);
    else ctx.report.unmapped(table, t.id, "realm " + shown(r) + " holds a quote, backslash or control byte; left out");
  }
  if (auto p = t.registrar_proxy.value_or(""); !p.empty()) {
    if (is_host(p)) put(out, "registrarProxy", p);
    else ctx.report.unmapped(table, t.id, "registrar_proxy " + shown(p) + " is not a host; left out");
  }
  if (auto d = t.from_domain.value_or(""); !d.empty()) {
    if (is_host(d)) put(out, "fromDomain", d);
    else ctx.report.unmapped(table, t.id, "from_domain " + shown(d) + " is not a host; left out");
  }
  if (t.expire_seconds >= 60 && t.expire_seconds <= 86400) put(out, "expireSeconds", t.expire_seconds);
  else ctx.report.unmapped(table, t.id, "expire_seconds " + std::to_string(t.expire_seconds) + " is outside 60-86400; default 3600 used");
  if (t.retry_seconds >= 1 && t.retry_seconds <= 3600) put(out, "retrySeconds", t.retry_seconds);
  else ctx.report.unmapped(table, t.id, "retry_seconds " + std::to_string(t.retry_seconds) + " is outside 1-3600; default 30 used");
  out << YAML::EndMap;
}

}  // namespace

// The profile a trunk or IPBX gets: its own, else the tenant's e164-without-plus one when the
// tenant's numbers are written without '+' (the old service added the '+' itself).
std::string profile_for(ImportContext& ctx, const OptInt& profile_id, const std::string& uuid, const std::string& table,
                        int64_t id) {
  if (profile_id) {
    if (ctx.profile.count(*profile_id)) return ctx.profile.at(*profile_id);
    ctx.report.unmapped(table, id, "normalization_profile_id " + std::to_string(*profile_id) + " was not imported; left out");
  }
  auto it = ctx.fallback_profile.find(uuid);
  return it == ctx.fallback_profile.end() ? "" : it->second;
}

void map_tenants(ImportContext& ctx) {
  NameBook book;
  int64_t n = 0;
  for (const auto& t : ctx.data.tenants) {
    std::string name = book.claim(t.name, "tenant", ++n);
    ctx.tenant[t.uuid] = name;
    auto& f = ctx.file(ctx.folder(t.uuid) + "/tenant.yaml", kImported);
    auto& out = f.begin("Tenant", name, "", "tenants/" + t.uuid);
    put(out, "uuid", t.uuid);
    if (t.name != name) put(out, "description", t.name);
    f.end();
  }
}

void map_domains_and_carriers(ImportContext& ctx) {
  for (const auto& d : ctx.data.domains) {
    std::string tenant = tenant_of(ctx, d.tenant_uuid, "domains", d.id);
    if (tenant.empty()) continue;
    if (!is_hostname(d.domain)) {
      ctx.report.unmapped("domains", d.id, "domain " + shown(d.domain) + " is not a DNS name");
      continue;
    }
    std::string name = ctx.name(d.tenant_uuid, "Domain", d.domain, "domain-" + std::to_string(d.id), d.id);
    ctx.domain[d.id] = name;
    ctx.domain_host[d.id] = d.domain;
    auto& f = ctx.file(ctx.folder(d.tenant_uuid) + "/domains.yaml", kImported);
    auto& out = f.begin("Domain", name, tenant, "domains/" + std::to_string(d.id));
    put(out, "domain", d.domain);
    f.end();
  }
  for (const auto& c : ctx.data.carriers) {
    std::string tenant = tenant_of(ctx, c.tenant_uuid, "carriers", c.id);
    if (tenant.empty()) continue;
    std::string name = ctx.name(c.tenant_uuid, "Carrier", c.name, "carrier-" + std::to_string(c.id), c.id);
    ctx.carrier[c.id] = name;
    auto& f = ctx.file(ctx.folder(c.tenant_uuid) + "/carriers/" + name + ".yaml", kImported);
    auto& out = f.begin("Carrier", name, tenant, "carriers/" + std::to_string(c.id));
    if (c.name != name) put(out, "description", c.name);
    f.end();
  }
}

void map_trunks(ImportContext& ctx) {
  const std::string table = "carrier_trunks";
  for (const auto& t : ctx.data.trunks) {
    std::string tenant = tenant_of(ctx, t.tenant_uuid, table, t.id);
    if (tenant.empty()) continue;
    if (!ctx.carrier.count(t.carrier_id)) {
      ctx.report.unmapped(table, t.id, "its carrier " + std::to_string(t.carrier_id) + " was not imported");
      continue;
    }
    if (!is_host(t.sip_proxy)) {
      ctx.report.unmapped(table, t.id, "sip_proxy " + shown(t.sip_proxy) + " is not an IP address or DNS name");
      continue;
    }
    std::string name = ctx.name(t.tenant_uuid, "CarrierTrunk", t.name, "trunk-" + std::to_string(t.id), t.id);
    ctx.trunk[t.id] = name;
    ctx.trunk_tenant[t.id] = t.tenant_uuid;
    const std::string& carrier = ctx.carrier.at(t.carrier_id);
    auto& f = ctx.file(ctx.folder(t.tenant_uuid) + "/carriers/" + carrier + ".yaml", kImported);
    auto& out = f.begin("CarrierTrunk", name, tenant, "carrier_trunks/" + std::to_string(t.id));
    put(out, "carrier", carrier);
    put(out, "sipProxy", t.sip_proxy);
    if (is_port(t.sip_proxy_port)) put(out, "sipProxyPort", t.sip_proxy_port);
    else ctx.report.unmapped(table, t.id, "sip_proxy_port " + std::to_string(t.sip_proxy_port) + " is not a port; 5060 used");
    write_sources(ctx, out, t.ip_address, table, t.id, false);
    if (auto p = profile_for(ctx, t.profile_id, t.tenant_uuid, table, t.id); !p.empty()) put(out, "normalizationProfile", p);
    write_registration(ctx, out, t, tenant, name);
    if (t.name != name) put(out, "description", t.name);
    f.end();
  }
}

}  // namespace c4::importer
