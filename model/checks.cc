#include "model/checks.h"

#include <map>
#include <set>

#include "model/number_set.h"
#include "model/problem_rules.h"

namespace c4 {
namespace {

void report(Problems& problems, const Meta& meta, const Origin& at, std::string message,
            Problem::Severity severity = Problem::Severity::error, std::string_view rule = rules::kReference) {
  Problem p;
  p.rule = rule;
  p.severity = severity;
  p.file = meta.file;
  p.pos = at.pos.line ? at.pos : meta.pos;
  p.pointer = at.pointer;
  p.object = meta.ref();
  p.message = std::move(message);
  problems.add(std::move(p));
}

// Resolves `ref` (to a T) from `owner`; reports a dangling or cross-tenant reference.
template <typename T>
void check_ref(const Catalog& catalog, const Meta& owner, const Ref& ref, Problems& problems) {
  if (ref.empty()) return;
  std::string target(kind_name(kind_of<T>));
  size_t slash = ref.name.find('/');
  if (slash != std::string::npos) {
    std::string tenant = ref.name.substr(0, slash);
    if (tenant != owner.tenant) {
      report(problems, owner, ref.origin,
             "cross-tenant reference to " + target + " \"" + ref.name + "\": objects of tenant " + owner.tenant +
                 " may only refer to objects of the same tenant");
      return;
    }
    report(problems, owner, ref.origin,
           "write \"" + ref.name.substr(slash + 1) + "\" without the tenant prefix: references are always within the tenant");
    return;
  }
  if (catalog.find<T>(owner.tenant, ref.name) || catalog.declared_invalid({kind_of<T>, owner.tenant, ref.name})) return;
  std::string message = "references " + target + " \"" + ref.name + "\", which does not exist in tenant " + owner.tenant;
  auto elsewhere = catalog.tenants_with<T>(ref.name, owner.tenant);
  if (!elsewhere.empty())
    message += " (tenant " + elsewhere.front() + " has one, but references cannot cross tenants)";
  report(problems, owner, ref.origin, message);
}

template <typename T, typename F>
void for_each(const Catalog& catalog, F&& f) {
  for (const auto& object : catalog.all<T>()) f(object);
}

}  // namespace

void check_tenants_exist(const Catalog& catalog, Problems& problems) {
  catalog.for_each_list([&](const auto& list) {
    for (const auto& object : list) {
      const Meta& m = object.meta;
      if (m.tenant.empty() || catalog.find<Tenant>("", m.tenant) || catalog.declared_invalid({Kind::Tenant, "", m.tenant}))
        continue;
      report(problems, m, {m.tenant_pos, "/metadata/tenant"}, "tenant \"" + m.tenant + "\" is not declared by any Tenant object");
    }
  });
}

void check_references(const Catalog& catalog, Problems& problems) {
  for_each<CarrierTrunk>(catalog, [&](const CarrierTrunk& t) {
    check_ref<Carrier>(catalog, t.meta, t.carrier, problems);
    check_ref<NormalizationProfile>(catalog, t.meta, t.normalization_profile, problems);
  });
  for_each<IPBX>(catalog, [&](const IPBX& x) {
    check_ref<Domain>(catalog, x.meta, x.domain, problems);
    check_ref<NormalizationProfile>(catalog, x.meta, x.normalization_profile, problems);
    check_ref<RoutingGroup>(catalog, x.meta, x.routing_group, problems);
  });
  for_each<DID>(catalog, [&](const DID& d) {
    check_ref<IPBX>(catalog, d.meta, d.ipbx, problems);
    check_ref<CarrierTrunk>(catalog, d.meta, d.carrier_trunk, problems);
  });
  for_each<RoutingRule>(catalog, [&](const RoutingRule& r) {
    check_ref<RoutingGroup>(catalog, r.meta, r.routing_group, problems);
    for (const auto& target : r.targets) check_ref<CarrierTrunk>(catalog, r.meta, target.carrier_trunk, problems);
  });
  for_each<ApiToken>(catalog, [&](const ApiToken& t) {
    for (const auto& tenant : t.tenants)
      if (!catalog.find<Tenant>("", tenant.name) && !catalog.declared_invalid({Kind::Tenant, "", tenant.name}))
        report(problems, t.meta, tenant.origin, "references Tenant \"" + tenant.name + "\", which is not declared");
  });
}

void check_unique_values(const Catalog& catalog, Problems& problems) {
  // Reports every object whose value an earlier object already uses.
  auto unique = [&](const auto& list, auto value_of, const char* what) {
    std::map<std::string, const Meta*> seen;
    for (const auto& object : list) {
      auto [value, origin] = value_of(object);
      if (value.empty()) continue;
      auto [it, inserted] = seen.emplace(value, &object.meta);
      if (inserted) continue;
      const Meta& first = *it->second;
      if (key_of(first) == key_of(object.meta)) continue;  // a duplicate object, reported as such
      report(problems, object.meta, origin,
             std::string(what) + " \"" + value + "\" is already used by " + first.ref().display() + " at " +
                 first.file + ":" + std::to_string(first.pos.line),
             Problem::Severity::error, rules::kUniqueValue);
    }
  };
  unique(catalog.all<Tenant>(), [](const Tenant& t) { return std::pair(t.uuid, t.uuid_origin); }, "tenant UUID");
  unique(catalog.all<Domain>(), [](const Domain& d) { return std::pair(d.domain, d.domain_origin); }, "SIP domain");
  unique(catalog.all<ApiToken>(), [](const ApiToken& t) { return std::pair(t.sha256, t.sha256_origin); }, "token hash");
}

void check_routing(const Catalog& catalog, Problems& problems) {
  std::set<std::pair<std::string, std::string>> groups_with_rules;
  for_each<RoutingRule>(catalog, [&](const RoutingRule& r) {
    groups_with_rules.insert({r.meta.tenant, r.routing_group.name});
    std::set<std::string> trunks;
    for (size_t i = 0; i < r.targets.size(); ++i)
      if (!trunks.insert(r.targets[i].carrier_trunk.name).second)
        report(problems, r.meta, r.targets[i].carrier_trunk.origin,
               "carrier trunk \"" + r.targets[i].carrier_trunk.name + "\" is listed twice in this rule's targets",
               Problem::Severity::error, rules::kRouting);
  });
  std::map<std::string, int> groups_per_tenant;
  for_each<RoutingGroup>(catalog, [&](const RoutingGroup& g) {
    ++groups_per_tenant[g.meta.tenant];
    if (!groups_with_rules.count({g.meta.tenant, g.meta.name}) && !catalog.has_invalid(Kind::RoutingRule, g.meta.tenant))
      report(problems, g.meta, {{}, "/metadata/name"},
             "routing group has no RoutingRule, so outbound calls that use it get no route", Problem::Severity::warning, rules::kRouting);
  });
  for_each<IPBX>(catalog, [&](const IPBX& x) {
    if (x.routing_group.empty() && groups_per_tenant[x.meta.tenant] > 1)
      report(problems, x.meta, {x.meta.spec_pos, "/spec"},
             "tenant " + x.meta.tenant + " has several routing groups; set routingGroup to say which one this IPBX uses "
             "(without it, its outbound calls get no route)", Problem::Severity::warning, rules::kRouting);
  });
}

void check_catalog(const Catalog& catalog, Problems& problems) {
  check_tenants_exist(catalog, problems);
  check_references(catalog, problems);
  check_unique_values(catalog, problems);
  check_routing(catalog, problems);
  check_number_claims(catalog, problems);
}

}  // namespace c4
