#include "api/routing/snapshot.h"

#include <algorithm>

#include "api/routing/reply_writer.h"
#include "api/routing/snapshot_data.h"
#include "common/sha.h"
#include "common/text.h"

namespace c4::routing {
namespace {

uint64_t digits_value(std::string_view digits) {
  uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

std::string display(const Meta& m) { return m.tenant.empty() ? m.name : m.tenant + "/" + m.name; }

// Index of `object` in its catalog list (entries are built 1:1 with the catalog lists).
template <typename T>
int32_t index_of(const Catalog& catalog, const std::string& tenant, const Ref& ref) {
  if (ref.empty()) return kNone;
  const T* found = catalog.find<T>(tenant, ref.name);
  return found ? static_cast<int32_t>(found - catalog.all<T>().data()) : kNone;
}

class Compiler {
 public:
  Compiler(SnapshotData& d, const ObjectIds& ids, const SnapshotOptions& options)
      : d_(d), ids_(ids), resolve_(options.resolve_secret) {
    if (!resolve_) resolve_ = [policy = options.secrets](const SecretRef& ref) { return policy.read(ref); };
  }

  Status run() {
    const Catalog& c = d_.catalog;
    for (const auto& t : c.all<Tenant>()) d_.tenants.push_back({&t, id(t.meta)});
    for (const auto& p : c.all<NormalizationProfile>()) {
      auto n = Normalizer::compile(p);
      if (!n) return n.status();
      d_.profiles.push_back(std::move(*n));
    }
    for (const auto& x : c.all<Domain>()) {
      d_.domains.push_back({&x, id(x.meta), tenant(x.meta), kNone});
      d_.domain_by_name.emplace(ascii_lower(x.domain), static_cast<uint32_t>(d_.domains.size() - 1));
    }
    if (auto s = trunks(); !s) return s;
    if (auto s = groups(); !s) return s;
    if (auto s = ipbxs(); !s) return s;
    if (auto s = dids(); !s) return s;
    return rules();
  }

 private:
  int64_t id(const Meta& m) const {
    auto it = ids_.find(key_of(m));
    return it == ids_.end() ? 0 : it->second;
  }
  uint32_t tenant(const Meta& m) const {
    const Tenant* t = d_.catalog.find<Tenant>("", m.tenant);
    return t ? static_cast<uint32_t>(t - d_.catalog.all<Tenant>().data()) : 0;
  }
  std::optional<std::string> secret(const Meta& m, const SecretRef& ref, const char* what) {
    if (ref.empty()) return std::nullopt;
    auto r = resolve_(ref);
    // A secret goes into rtjson (uac_auth) and the uacreg table: a CR, LF or NUL in it would
    // cut a dbtext row or a header. Refused like an unresolvable one: no credentials.
    if (r) {
      size_t at = find_control_char(*r);
      if (at == std::string::npos) return std::move(*r);
      r = Status::invalid("the resolved secret holds a " + describe_control_char(*r, at) + "; refused");
    }
    d_.warnings.push_back(std::string(kind_name(m.kind)) + " " + display(m) + ": " + what + ": " +
                          r.status().message());
    return std::nullopt;
  }
  Status dangling(const Meta& m, const Ref& ref, const char* kind) const {
    return Status::invalid(std::string(kind_name(m.kind)) + " " + display(m) + ": " + kind + " \"" + ref.name +
                           "\" does not exist");
  }

  Status trunks() {
    const Catalog& c = d_.catalog;
    for (const auto& t : c.all<CarrierTrunk>()) {
      auto i = static_cast<uint32_t>(d_.trunks.size());
      TrunkEntry e{&t, id(t.meta), tenant(t.meta), kNone, std::nullopt};
      e.profile = index_of<NormalizationProfile>(c, t.meta.tenant, t.normalization_profile);
      if (e.profile == kNone && !t.normalization_profile.empty())
        return dangling(t.meta, t.normalization_profile, "normalization profile");
      if (t.registration && t.registration->registered)
        e.registration_password = secret(t.meta, t.registration->password, "registration password");
      d_.trunks.push_back(std::move(e));
      for (const auto& net : t.allowed_sources) d_.trunk_sources.add(net, i);
      if (t.any_source) d_.any_source_trunks.push_back(i);
      if (t.allowed_sources.empty() && !t.any_source) d_.no_source_trunks.push_back(i);
    }
    return Status::ok();
  }

  Status groups() {
    for (const auto& g : d_.catalog.all<RoutingGroup>()) d_.groups.push_back({&g, id(g.meta), tenant(g.meta), {}});
    return Status::ok();
  }

  int32_t default_group(uint32_t tenant_index) const {
    int32_t found = kNone;
    for (size_t i = 0; i < d_.groups.size(); ++i) {
      if (d_.groups[i].tenant != tenant_index) continue;
      if (found != kNone) return kNone;  // more than one: no default
      found = static_cast<int32_t>(i);
    }
    return found;
  }

  Status ipbxs() {
    const Catalog& c = d_.catalog;
    for (const auto& x : c.all<IPBX>()) {
      auto i = static_cast<uint32_t>(d_.ipbxs.size());
      IpbxEntry e{&x, id(x.meta), tenant(x.meta)};
      e.profile = index_of<NormalizationProfile>(c, x.meta.tenant, x.normalization_profile);
      if (e.profile == kNone && !x.normalization_profile.empty())
        return dangling(x.meta, x.normalization_profile, "normalization profile");
      e.group = x.routing_group.empty() ? default_group(e.tenant)
                                        : index_of<RoutingGroup>(c, x.meta.tenant, x.routing_group);
      if (e.group == kNone && !x.routing_group.empty()) return dangling(x.meta, x.routing_group, "routing group");
      e.domain = index_of<Domain>(c, x.meta.tenant, x.domain);
      if (e.domain == kNone && !x.domain.empty()) return dangling(x.meta, x.domain, "domain");
      if (e.domain != kNone && d_.domains[e.domain].ipbx == kNone) d_.domains[e.domain].ipbx = static_cast<int32_t>(i);
      // Two realms: the one Kamailio challenges the IPBX with (its HA1 is bound to it), and the
      // one of the credentials sent to the IPBX. Both default to the Domain's SIP domain.
      const std::string sip_domain = e.domain != kNone ? d_.domains[e.domain].src->domain : "";
      e.digest_realm = !x.digest_realm.empty() ? x.digest_realm : sip_domain;
      e.realm = !x.realm.empty() ? x.realm : sip_domain;
      e.password = secret(x.meta, x.password, "SIP password");
      if (!x.ha1.empty())
        e.ha1 = x.ha1;
      else if (e.password && !x.username.empty())
        e.ha1 = md5_hex(x.username + ":" + e.digest_realm + ":" + *e.password);
      d_.ipbxs.push_back(std::move(e));
      for (const auto& net : x.allowed_sources) d_.ipbx_sources.add(net, i);
      if (x.any_source) d_.any_source_ipbxs.push_back(i);
      if (x.allowed_sources.empty() && !x.any_source) d_.no_source_ipbxs.push_back(i);
    }
    return Status::ok();
  }

  Status dids() {
    const Catalog& c = d_.catalog;
    size_t numbers = 0;
    for (const auto& x : c.all<DID>()) numbers += x.numbers.size();
    d_.did_numbers.reserve(numbers);
    std::vector<DidRangeEntry> ranges;
    for (const auto& x : c.all<DID>()) {
      auto i = static_cast<uint32_t>(d_.dids.size());
      int32_t ipbx = index_of<IPBX>(c, x.meta.tenant, x.ipbx);
      if (ipbx == kNone) return dangling(x.meta, x.ipbx, "IPBX");
      DidEntry e{&x, id(x.meta), tenant(x.meta), static_cast<uint32_t>(ipbx), kNone};
      e.trunk = index_of<CarrierTrunk>(c, x.meta.tenant, x.carrier_trunk);
      if (e.trunk == kNone && !x.carrier_trunk.empty()) return dangling(x.meta, x.carrier_trunk, "carrier trunk");
      d_.dids.push_back(e);
      for (const auto& n : x.numbers) d_.did_numbers.insert(n.number.value, i);
      for (const auto& r : x.ranges) ranges.push_back({r.from.value, r.to.value, i});
      for (const auto& p : x.prefixes) {
        d_.did_prefixes.insert(digits_value(p.digits), i);
        d_.longest_did_prefix = std::max<uint8_t>(d_.longest_did_prefix, static_cast<uint8_t>(p.digits.size()));
      }
      if (!x.regex.empty()) {
        auto re = std::make_shared<const RE2>(x.regex, RE2::Quiet);
        if (!re->ok()) return Status::invalid("DID " + display(x.meta) + ": regex: " + re->error());
        d_.did_regexes.push_back({i, std::move(re)});
      }
    }
    d_.did_ranges.assign(std::move(ranges));
    return Status::ok();
  }

  Status rules() {
    const Catalog& c = d_.catalog;
    for (const auto& r : c.all<RoutingRule>()) {
      auto i = static_cast<uint32_t>(d_.rules.size());
      int32_t group = index_of<RoutingGroup>(c, r.meta.tenant, r.routing_group);
      if (group == kNone) return dangling(r.meta, r.routing_group, "routing group");
      RuleEntry e{&r, id(r.meta), tenant(r.meta), static_cast<uint32_t>(group), nullptr, {}, {}};
      if (!r.regex.empty()) {
        e.regex = std::make_shared<const RE2>(r.regex, RE2::Quiet);
        if (!e.regex->ok()) return Status::invalid("RoutingRule " + display(r.meta) + ": regex: " + e.regex->error());
      }
      for (const auto& w : r.time_windows) {
        auto z = ZonedWindow::compile(w);
        if (!z) return z.status().with_context("RoutingRule " + display(r.meta));
        e.windows.push_back(std::move(*z));
      }
      for (const auto& t : r.targets) {
        int32_t trunk = index_of<CarrierTrunk>(c, r.meta.tenant, t.carrier_trunk);
        if (trunk == kNone) return dangling(r.meta, t.carrier_trunk, "carrier trunk");
        e.targets.push_back({static_cast<uint32_t>(trunk), t.priority, t.weight});
      }
      std::stable_sort(e.targets.begin(), e.targets.end(),
                       [](const TargetEntry& a, const TargetEntry& b) { return a.priority < b.priority; });
      d_.rules.push_back(std::move(e));
      if (r.prefixes.empty()) {
        d_.groups[group].unprefixed_rules.push_back(i);
        continue;
      }
      for (const auto& p : r.prefixes) {
        d_.rule_prefixes[{static_cast<uint32_t>(group), digits_value(p)}].push_back(i);
        d_.longest_rule_prefix = std::max<uint8_t>(d_.longest_rule_prefix, static_cast<uint8_t>(p.size()));
        ++d_.rule_prefix_count;
      }
    }
    return Status::ok();
  }

  SnapshotData& d_;
  const ObjectIds& ids_;
  std::function<Result<std::string>(const SecretRef&)> resolve_;
};

}  // namespace

ObjectIds assign_ids(const Catalog& catalog, const ObjectIds& known) {
  ObjectIds out = known;
  catalog.for_each_list([&](const auto& list) {
    if (list.empty()) return;
    Kind kind = list.front().meta.kind;
    int64_t next = 0;
    for (const auto& [key, id] : known)
      if (key.kind == kind) next = std::max(next, id);
    for (const auto& o : list) {
      auto [it, inserted] = out.try_emplace(key_of(o.meta), 0);
      if (inserted) it->second = ++next;
    }
  });
  return out;
}

Snapshot::Snapshot(std::unique_ptr<SnapshotData> data) : data_(std::move(data)) {}
Snapshot::~Snapshot() = default;
const std::string& Snapshot::revision() const { return data_->revision; }
std::chrono::system_clock::time_point Snapshot::built_at() const { return data_->built_at; }
const std::vector<std::string>& Snapshot::warnings() const { return data_->warnings; }
const Catalog& Snapshot::catalog() const { return data_->catalog; }

std::map<std::string, size_t> Snapshot::counts() const {
  const auto& d = *data_;
  return {{"tenants", d.tenants.size()},         {"trunks", d.trunks.size()},
          {"ipbxs", d.ipbxs.size()},             {"dids", d.dids.size()},
          {"did_numbers", d.did_numbers.size()}, {"did_ranges", d.did_ranges.size()},
          {"did_prefixes", d.did_prefixes.size()}, {"did_regexes", d.did_regexes.size()},
          {"rules", d.rules.size()},             {"rule_prefixes", d.rule_prefix_count}};
}

Result<SnapshotPtr> compile_snapshot(Catalog catalog, ObjectIds ids, std::string revision,
                                     const SnapshotOptions& options) {
  auto data = std::make_unique<SnapshotData>();
  data->catalog = std::move(catalog);
  data->revision = std::move(revision);
  ObjectIds all_ids = assign_ids(data->catalog, ids);
  Compiler compiler(*data, all_ids, options);
  if (auto s = compiler.run(); !s) return s.with_context("compiling the routing snapshot");
  SnapshotData& tables = *data;
  auto snapshot = std::shared_ptr<Snapshot>(new Snapshot(std::move(data)));
  // Formatted with the snapshot's own auth_json()/rtjson(), before anyone else sees it.
  preformat_answers(*snapshot, tables);
  tables.built_at = std::chrono::system_clock::now();
  return SnapshotPtr(std::move(snapshot));
}

}  // namespace c4::routing
