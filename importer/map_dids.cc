// DIDs: per IPBX, one DID object holding its exact numbers (contiguous runs as ranges), blocks
// and prefixes, and one DID object per regex the old data could not read as numbers.
#include <algorithm>
#include <map>
#include <unordered_set>

#include "importer/field_checks.h"
#include "importer/import_context.h"
#include "importer/old_numbers.h"

namespace c4::importer {
namespace {

const char* kComment =
    "Imported from wazo-router-confd by c4confd import: the dids rows of one IPBX. Exact numbers\n"
    "that follow each other are written as ranges.";

// A run of at least this many consecutive numbers becomes a range.
constexpr size_t kMinRun = 3;

struct IpbxNumbers {
  std::vector<E164> exact;
  std::vector<std::pair<E164, E164>> ranges;
  std::vector<std::string> prefixes;
  std::vector<std::pair<int64_t, std::string>> regexes;  // did id, regex
  std::vector<int64_t> ids;                              // rows in the numbers object
};

uint64_t key(const E164& e) { return e.value * 16 + e.length; }

// Sorted exact numbers → ranges for runs of kMinRun or more; the rest stay single numbers.
void collapse_runs(IpbxNumbers& n) {
  std::sort(n.exact.begin(), n.exact.end(),
            [](const E164& a, const E164& b) { return a.length != b.length ? a.length < b.length : a.value < b.value; });
  std::vector<E164> single;
  for (size_t i = 0; i < n.exact.size();) {
    size_t j = i;
    while (j + 1 < n.exact.size() && n.exact[j + 1].length == n.exact[i].length && n.exact[j + 1].value == n.exact[j].value + 1) ++j;
    if (j - i + 1 >= kMinRun) n.ranges.emplace_back(n.exact[i], n.exact[j]);
    else single.insert(single.end(), n.exact.begin() + i, n.exact.begin() + j + 1);
    i = j + 1;
  }
  n.exact = std::move(single);
}

// Whether row `d` can be imported, reporting why not (and the trunk it carries, never used).
bool usable(ImportContext& ctx, const OldDid& d) {
  if (d.carrier_trunk_id)
    ctx.report.note("dids", d.id, "carrier_trunk_id not carried over: the old service stored it but never routed on it");
  if (!ctx.tenant.count(d.tenant_uuid)) {
    ctx.report.unmapped("dids", d.id, "its tenant is not in the tenants table");
    return false;
  }
  if (!ctx.ipbx.count(d.ipbx_id)) {
    ctx.report.unmapped("dids", d.id, "its IPBX " + std::to_string(d.ipbx_id) + " was not imported");
    return false;
  }
  if (ctx.ipbx_tenant.at(d.ipbx_id) != d.tenant_uuid) {
    ctx.report.unmapped("dids", d.id, "its IPBX belongs to another tenant");
    return false;
  }
  return true;
}

void seq(YAML::Emitter& out, const char* key, const std::vector<std::string>& items) {
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const auto& s : items) out << YAML::DoubleQuoted << s;
  out << YAML::EndSeq;
}

void write_numbers(ImportContext& ctx, int64_t ipbx_id, IpbxNumbers& n) {
  const std::string& uuid = ctx.ipbx_tenant.at(ipbx_id);
  const std::string& tenant = ctx.tenant.at(uuid);
  const std::string& ipbx = ctx.ipbx.at(ipbx_id);
  auto& f = ctx.file(ctx.folder(uuid) + "/dids/" + ipbx + ".yaml", kComment);
  collapse_runs(n);
  if (!n.exact.empty() || !n.ranges.empty() || !n.prefixes.empty()) {
    std::string ids = id_ranges(n.ids);
    std::string label = "dids/" + (ids.size() <= 200 ? ids : std::to_string(n.ids.size()) + " rows");
    auto& out = f.begin("DID", ctx.name(uuid, "DID", ipbx + "-numbers", "numbers", ipbx_id), tenant, label);
    put(out, "ipbx", ipbx);
    if (!n.exact.empty()) {
      out << YAML::Key << "numbers" << YAML::Value << YAML::BeginSeq;
      for (const auto& e : n.exact) out << YAML::DoubleQuoted << e.to_string();
      out << YAML::EndSeq;
    }
    if (!n.ranges.empty()) {
      out << YAML::Key << "ranges" << YAML::Value << YAML::BeginSeq;
      for (const auto& [a, b] : n.ranges)
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "from" << YAML::Value << YAML::DoubleQuoted << a.to_string()
            << YAML::Key << "to" << YAML::Value << YAML::DoubleQuoted << b.to_string() << YAML::EndMap;
      out << YAML::EndSeq;
    }
    if (!n.prefixes.empty()) seq(out, "prefixes", n.prefixes);
    f.end();
  }
  for (const auto& [id, regex] : n.regexes) {
    auto& out = f.begin("DID", ctx.name(uuid, "DID", "did-" + std::to_string(id), "did", id), tenant, "dids/" + std::to_string(id));
    put(out, "ipbx", ipbx);
    put(out, "regex", regex);
    f.end();
  }
}

}  // namespace

void map_dids(ImportContext& ctx) {
  std::map<int64_t, IpbxNumbers> by_ipbx;
  std::unordered_set<uint64_t> claimed;
  std::unordered_set<std::string> claimed_prefixes;
  claimed.reserve(ctx.data.dids.size());
  for (const auto& d : ctx.data.dids) {
    if (!usable(ctx, d)) continue;
    DidPattern p = read_did_regex(d.did_regex);
    auto& n = by_ipbx[d.ipbx_id];
    switch (p.kind) {
      case DidPattern::Kind::invalid:
        ctx.report.unmapped("dids", d.id, p.why);
        continue;
      case DidPattern::Kind::exact:
        if (!claimed.insert(key(p.number)).second) {
          ctx.report.unmapped("dids", d.id, "number " + p.number.to_string() + " is already claimed by another DID");
          continue;
        }
        n.exact.push_back(p.number);
        break;
      case DidPattern::Kind::range:
        n.ranges.emplace_back(p.number, p.last);
        break;
      case DidPattern::Kind::prefix:
        if (!claimed_prefixes.insert(p.prefix).second) {
          ctx.report.unmapped("dids", d.id, "prefix " + p.prefix + " is already claimed by another DID");
          continue;
        }
        n.prefixes.push_back(p.prefix);
        break;
      case DidPattern::Kind::regex:
        n.regexes.emplace_back(d.id, p.regex);
        continue;
    }
    n.ids.push_back(d.id);
  }
  for (auto& [ipbx_id, numbers] : by_ipbx) write_numbers(ctx, ipbx_id, numbers);
}

}  // namespace c4::importer
