#include "api/calls/insight_views.h"

#include "api/error_vocabulary.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <re2/re2.h>

#include "api/routing/did_lookup.h"
#include "api/routing/snapshot_data.h"
#include "model/e164.h"
#include "model/kind.h"

namespace c4::api {
namespace {

using nlohmann::json;
using routing::SnapshotData;

json limit(const std::optional<int>& value) { return value ? json(*value) : json(nullptr); }

json limits_json(const Capacity& capacity) {
  return {{"max_calls_per_second", limit(capacity.max_calls_per_second)}, {"max_channels", limit(capacity.max_channels)}};
}

// The revision id of a snapshot's revision() ("42", or "42:<commit>").
int64_t revision_id(const routing::Snapshot& snapshot) {
  std::string_view text = snapshot.revision();
  text = text.substr(0, text.find(':'));
  int64_t n = -1;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

// Where `meta` is written: as the snapshot knows it, else from `positions` of the same revision.
SourcePositions::Place place_of(const routing::Snapshot& snapshot, const SourcePositions* positions, const Meta& meta) {
  if (!meta.file.empty()) return {meta.file, meta.pos.line};
  if (positions && positions->revision == revision_id(snapshot)) {
    auto it = positions->by_object.find(source_key(kind_name(meta.kind), meta.tenant, meta.name));
    if (it != positions->by_object.end()) return it->second;
  }
  return {};
}

bool visible(const SnapshotData& d, uint32_t tenant, const TenantScope& scope) {
  return scope.all || scope.allows(d.tenants[tenant].src->uuid);
}


// "+33 1 40 00 01 23", "+33.1.40.00.01.23", "+33 (0)1…" is not E.164: only the separators go.
std::string without_separators(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') out.push_back(c);
  return out;
}

// The line of the entry of `did` that took the number, and the entry as text.
// (An exact candidate carries no digits: `number` is the one looked up.)
std::pair<uint32_t, std::string> matched_entry(const DID& did, const routing::DidCandidate& c, const E164& number) {
  using How = routing::DidCandidate::How;
  if (c.how == How::exact)
    for (const auto& n : did.numbers)
      if (n.number.value == number.value) return {n.pos.line, n.number.to_string()};
  if (c.how == How::range)
    for (const auto& r : did.ranges)
      if (r.from.value == c.from) return {r.pos.line, r.from.to_string() + " – " + r.to.to_string()};
  if (c.how == How::prefix)
    for (const auto& p : did.prefixes)
      if (p.digits == std::to_string(c.from)) return {p.pos.line, "+" + p.digits + "…"};
  return {did.meta.pos.line, ""};
}

json owner_json(const routing::Snapshot& snapshot, const SourcePositions* positions, uint32_t index, std::string_view how,
                uint32_t line, const std::string& entry) {
  const SnapshotData& d = snapshot.data();
  const auto& did = d.dids[index];
  // A snapshot read from PostgreSQL knows no file (nor true lines): the declaration's place then.
  SourcePositions::Place place{did.src->meta.file, line};
  if (place.file.empty()) place = place_of(snapshot, positions, did.src->meta);
  const auto& ipbx = d.ipbxs[did.ipbx];
  return {{"did", {{"id", did.id}, {"name", did.src->meta.name}}},
          {"tenant", did.src->meta.tenant},
          {"how", how},
          {"entry", entry},
          {"ipbx", {{"id", ipbx.id}, {"name", ipbx.src->meta.name}}},
          {"file", place.file},
          {"line", place.line}};
}

}  // namespace

json capacity_json(const routing::Snapshot& snapshot, const SourcePositions* positions, routing::CapacityTracker& capacity,
                   const TenantScope& scope, std::chrono::system_clock::time_point now) {
  const SnapshotData& d = snapshot.data();
  // One CapacityLoad row per visible trunk or IPBX: the object, its limits and its live load.
  auto rows = [&](const auto& entries, routing::CapacityKey (*key_of)(int64_t)) {
    json out = json::array();
    for (const auto& e : entries) {
      if (!visible(d, e.tenant, scope)) continue;
      const Meta& meta = e.src->meta;
      auto place = place_of(snapshot, positions, meta);
      routing::CapacityKey key = key_of(e.id);
      out.push_back({{"id", e.id}, {"name", meta.name}, {"tenant", meta.tenant}, {"file", place.file},
                     {"line", place.line}, {"limits", limits_json(e.src->capacity)},
                     {"calls_per_second", capacity.calls_in_last_second(key, now)},
                     {"open_channels", capacity.open_channels(key, now)}});
    }
    return out;
  };
  json trunks = rows(d.trunks, routing::CapacityKey::trunk), ipbxs = rows(d.ipbxs, routing::CapacityKey::ipbx);
  return {{"revision", snapshot.revision()}, {"trunks", std::move(trunks)}, {"ipbxs", std::move(ipbxs)}};
}

json whoami_json(const routing::Snapshot& snapshot, const TenantScope& scope) {
  const SnapshotData& d = snapshot.data();
  std::vector<std::string> names;
  bool every = true;
  for (const auto& t : d.tenants) {
    if (visible(d, static_cast<uint32_t>(&t - d.tenants.data()), scope)) names.push_back(t.src->meta.name);
    else every = false;
  }
  std::sort(names.begin(), names.end());
  return {{"every_tenant", every}, {"tenants", names}};
}

std::string source_key(std::string_view kind, std::string_view tenant, std::string_view name) {
  std::string key;
  key.append(kind).append("/").append(tenant).append("/").append(name);
  return key;
}

SourcePositions source_positions(const Catalog& catalog, int64_t revision) {
  SourcePositions out;
  out.revision = revision;
  catalog.for_each_list([&](const auto& list) {
    for (const auto& object : list) {
      const Meta& m = object.meta;
      out.by_object[source_key(kind_name(m.kind), m.tenant, m.name)] = {m.file, m.pos.line};
    }
  });
  return out;
}

json sources_json(const routing::Snapshot& snapshot, const SourcePositions* positions, const TenantScope& scope) {
  const SnapshotData& d = snapshot.data();
  std::map<std::string, bool, std::less<>> seen_tenants;  // name → the scope covers it
  for (const auto& t : d.tenants) seen_tenants[t.src->meta.name] = scope.all || scope.allows(t.src->uuid);
  json items = json::array();
  snapshot.catalog().for_each_list([&](const auto& list) {
    for (const auto& object : list) {
      const Meta& m = object.meta;
      std::string tenant = m.kind == Kind::Tenant ? m.name : m.tenant;
      bool visible_here = tenant.empty() ? scope.all : seen_tenants[tenant];
      if (!visible_here) continue;
      auto place = place_of(snapshot, positions, m);
      items.push_back({{"kind", kind_name(m.kind)}, {"tenant", m.tenant}, {"name", m.name}, {"file", place.file},
                       {"line", place.line}});
    }
  });
  return {{"revision", snapshot.revision()}, {"items", std::move(items)}};
}

HttpReply number_owner_reply(const routing::Snapshot& snapshot, const SourcePositions* positions, std::string_view number,
                             const TenantScope& scope) {
  std::string text = without_separators(number);
  std::string why;
  auto e164 = parse_e164(text, &why);
  if (!e164)
    return invalid_input_reply("path", "number", "path parameter number: " + why + " (an E.164 number: +33140000123)");
  const SnapshotData& d = snapshot.data();
  std::optional<routing::DidCandidate> taken;
  auto found = routing::find_did_number(d, *e164, [&](const routing::DidCandidate& c) {
    if (!visible(d, d.dids[c.did].tenant, scope)) return false;
    taken = c;
    return true;
  });
  json body = {{"number", e164->to_string()}, {"revision", snapshot.revision()}};
  static constexpr std::string_view kHow[] = {"exact", "range", "prefix"};
  if (found) {
    auto [line, entry] = matched_entry(*d.dids[*found].src, *taken, *e164);
    body["owner"] = owner_json(snapshot, positions, *found, kHow[static_cast<int>(taken->how)], line, entry);
    return json_reply(200, body);
  }
  for (const auto& r : d.did_regexes) {
    if (!visible(d, d.dids[r.did].tenant, scope) || !RE2::FullMatch(e164->to_string(), *r.pattern)) continue;
    const DID& did = *d.dids[r.did].src;
    body["owner"] = owner_json(snapshot, positions, r.did, "regex", did.regex_origin.pos.line ? did.regex_origin.pos.line : did.meta.pos.line,
                               did.regex);
    return json_reply(200, body);
  }
  return error_reply(404, "not_found", "no DID you may see takes " + e164->to_string(), {{"number", e164->to_string()}});
}

}  // namespace c4::api
