// The schema is the source of truth for defaults: every `default` written in schemas/ must be
// what the code uses when the field is absent, both the member initialiser of the typed object
// (model/objects.h, model/time_window.h) and what the decoder fills in (model/decode.cc).
// A default added to a schema without its entry below, or changed on one side only, fails.
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>

#include "model/kind.h"
#include "model/schema_set.h"
#include "test_support.h"

namespace c4 {
namespace {

using json = nlohmann::json;
using test::validate_with_base;

// Every object the defaults are read from, each written without its defaulted fields.
const char* kMinimal = R"(apiVersion: c4confd/v1
kind: NormalizationProfile
metadata: {name: fr, tenant: acme}
spec:
  countryCode: "33"
  rules: [{direction: inbound, match: '^0(\d+)$', replace: '+33\1'}]
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: orange-2, tenant: acme}
spec:
  carrier: orange
  sipProxy: sbc2.orange.example
  registration: {username: acme, registrarProxy: reg.orange.example}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: pbx2, tenant: acme}
spec: {host: 192.0.2.20, username: pbx2}
---
apiVersion: c4confd/v1
kind: NormalizationProfile
metadata: {name: bare, tenant: acme}
spec: {countryCode: "33"}
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: default, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: all, tenant: acme}
spec:
  routingGroup: default
  match: {timeWindows: [{start: "08:00", end: "18:00"}]}
  targets: [{carrierTrunk: orange-1}]
)";

// What the code uses for one defaulted field: from a default-constructed object, and from the
// object decoded out of kMinimal.
struct CodeDefault {
  std::function<json()> initialiser;
  std::function<json(const Catalog&)> decoded;
};

template <typename T>
const T& only(const Catalog& c, const std::string& name) {
  const T* found = c.find<T>(std::is_same_v<T, Tenant> ? "" : "acme", name);
  REQUIRE_MESSAGE(found, "no " << kind_name(kind_of<T>) << " " << name << " in the minimal manifests");
  return *found;
}

// Keyed by "<schema file>#<path>", the path made of property names with "*" for list items.
const std::map<std::string, CodeDefault>& code_defaults() {
  using NP = NormalizationProfile;
  static const std::map<std::string, CodeDefault> table = {
      {"carrier-trunk.json#spec/sipProxyPort",
       {[] { return json(CarrierTrunk{}.sip_proxy_port); }, [](const Catalog& c) { return json(only<CarrierTrunk>(c, "orange-2").sip_proxy_port); }}},
      {"carrier-trunk.json#spec/transport",
       {[] { return json(transport_name(CarrierTrunk{}.transport)); },
        [](const Catalog& c) { return json(transport_name(only<CarrierTrunk>(c, "orange-2").transport)); }}},
      {"carrier-trunk.json#spec/allowedSources",
       {[] { return json(CarrierTrunk{}.allowed_sources.size()); }, [](const Catalog& c) { return json(only<CarrierTrunk>(c, "orange-2").allowed_sources.size()); }}},
      {"carrier-trunk.json#spec/anySource",
       {[] { return json(CarrierTrunk{}.any_source); }, [](const Catalog& c) { return json(only<CarrierTrunk>(c, "orange-2").any_source); }}},
      {"carrier-trunk.json#spec/registration/registered",
       {[] { return json(Registration{}.registered); }, [](const Catalog& c) { return json(only<CarrierTrunk>(c, "orange-2").registration->registered); }}},
      {"carrier-trunk.json#spec/registration/expireSeconds",
       {[] { return json(Registration{}.expire_seconds); }, [](const Catalog& c) { return json(only<CarrierTrunk>(c, "orange-2").registration->expire_seconds); }}},
      {"carrier-trunk.json#spec/registration/retrySeconds",
       {[] { return json(Registration{}.retry_seconds); }, [](const Catalog& c) { return json(only<CarrierTrunk>(c, "orange-2").registration->retry_seconds); }}},
      {"ipbx.json#spec/port", {[] { return json(IPBX{}.port); }, [](const Catalog& c) { return json(only<IPBX>(c, "pbx2").port); }}},
      {"ipbx.json#spec/transport",
       {[] { return json(transport_name(IPBX{}.transport)); }, [](const Catalog& c) { return json(transport_name(only<IPBX>(c, "pbx2").transport)); }}},
      {"ipbx.json#spec/allowedSources",
       {[] { return json(IPBX{}.allowed_sources.size()); }, [](const Catalog& c) { return json(only<IPBX>(c, "pbx2").allowed_sources.size()); }}},
      {"ipbx.json#spec/anySource", {[] { return json(IPBX{}.any_source); }, [](const Catalog& c) { return json(only<IPBX>(c, "pbx2").any_source); }}},
      {"ipbx.json#spec/registered", {[] { return json(IPBX{}.registered); }, [](const Catalog& c) { return json(only<IPBX>(c, "pbx2").registered); }}},
      {"normalization-profile.json#spec/internationalPrefix",
       {[] { return json(NP{}.international_prefix); }, [](const Catalog& c) { return json(only<NP>(c, "fr").international_prefix); }}},
      {"normalization-profile.json#spec/longDistancePrefix",
       {[] { return json(NP{}.long_distance_prefix); }, [](const Catalog& c) { return json(only<NP>(c, "fr").long_distance_prefix); }}},
      {"normalization-profile.json#spec/alwaysInternationalPlus",
       {[] { return json(NP{}.always_international_plus); }, [](const Catalog& c) { return json(only<NP>(c, "fr").always_international_plus); }}},
      {"normalization-profile.json#spec/alwaysLongDistance",
       {[] { return json(NP{}.always_long_distance); }, [](const Catalog& c) { return json(only<NP>(c, "fr").always_long_distance); }}},
      {"normalization-profile.json#spec/e164WithoutPlus",
       {[] { return json(NP{}.e164_without_plus); }, [](const Catalog& c) { return json(only<NP>(c, "fr").e164_without_plus); }}},
      {"normalization-profile.json#spec/rules",
       {[] { return json(NP{}.rules.size()); }, [](const Catalog& c) { return json(only<NP>(c, "bare").rules.size()); }}},
      {"normalization-profile.json#spec/rules/*/priority",
       {[] { return json(NormalizationRule{}.priority); }, [](const Catalog& c) { return json(only<NP>(c, "fr").rules.at(0).priority); }}},
      {"normalization-profile.json#spec/rules/*/appliesTo",
       {[] { return json(NormalizationRule{}.applies_to == NormalizationRule::AppliesTo::both ? "both" : "other"); },
        [](const Catalog& c) { return json(only<NP>(c, "fr").rules.at(0).applies_to == NormalizationRule::AppliesTo::both ? "both" : "other"); }}},
      {"normalization-profile.json#spec/rules/*/stop",
       {[] { return json(NormalizationRule{}.stop); }, [](const Catalog& c) { return json(only<NP>(c, "fr").rules.at(0).stop); }}},
      {"routing-rule.json#spec/priority",
       {[] { return json(RoutingRule{}.priority); }, [](const Catalog& c) { return json(only<RoutingRule>(c, "all").priority); }}},
      {"routing-rule.json#spec/match/timeWindows/*/timezone",
       {[] { return json(TimeWindow{}.timezone); }, [](const Catalog& c) { return json(only<RoutingRule>(c, "all").time_windows.at(0).timezone); }}},
      {"routing-rule.json#spec/targets/*/priority",
       {[] { return json(RoutingTarget{}.priority); }, [](const Catalog& c) { return json(only<RoutingRule>(c, "all").targets.at(0).priority); }}},
      {"routing-rule.json#spec/targets/*/weight",
       {[] { return json(RoutingTarget{}.weight); }, [](const Catalog& c) { return json(only<RoutingRule>(c, "all").targets.at(0).weight); }}},
      {"routing-rule.json#spec/failover",
       {[] { return json(RoutingRule{}.failover); }, [](const Catalog& c) { return json(only<RoutingRule>(c, "all").failover); }}},
  };
  return table;
}

// The schema node a $ref names, among the embedded schema files.
const json* resolve(const std::map<std::string, json>& docs, const json* node) {
  for (int depth = 0; node && node->is_object() && node->contains("$ref") && depth < 8; ++depth) {
    std::string ref = (*node)["$ref"].get<std::string>();
    size_t hash = ref.find('#');
    auto doc = docs.find(ref.substr(0, hash));
    if (doc == docs.end()) return nullptr;
    json::json_pointer jp(hash == std::string::npos ? "" : ref.substr(hash + 1));
    node = doc->second.contains(jp) ? &doc->second.at(jp) : nullptr;
  }
  return node;
}

// Every `default` below `node` (its own, or that of the definition it refers to), by path.
void collect_defaults(const std::map<std::string, json>& docs, const json* node, const std::string& path,
                      std::map<std::string, json>& out) {
  if (!node || !node->is_object()) return;
  if (node->contains("default")) out[path] = (*node)["default"];
  const json* target = resolve(docs, node);
  if (target != node && target && target->contains("default") && !out.count(path)) out[path] = (*target)["default"];
  if (!target) return;
  if (target->contains("properties"))
    for (const auto& [name, child] : (*target)["properties"].items())
      collect_defaults(docs, &child, path.empty() ? name : path + "/" + name, out);
  if (target->contains("items")) collect_defaults(docs, &(*target)["items"], path + "/*", out);
}

std::map<std::string, json> schema_defaults() {
  std::map<std::string, json> docs;
  for (const auto& [file, text] : embedded_schemas()) docs[file] = json::parse(text);
  std::map<std::string, json> out;
  for (const KindInfo& info : all_kinds()) {
    std::map<std::string, json> found;
    collect_defaults(docs, &docs.at(std::string(info.schema_file)), "", found);
    for (auto& [path, value] : found) out[std::string(info.schema_file) + "#" + path] = value;
  }
  return out;
}

// A default list is compared by its size (the code's lists are typed, the schema's are JSON).
json comparable(const json& schema_default) {
  return schema_default.is_array() ? json(schema_default.size()) : schema_default;
}

TEST_CASE("every default of the schemas is the default of the typed objects and of the decoder") {
  auto report = validate_with_base(kMinimal);
  REQUIRE_MESSAGE(report.ok(), test::problem_text(report));
  auto defaults = schema_defaults();
  REQUIRE(defaults.size() >= 20);
  for (const auto& [where, value] : defaults) {
    const std::string at = where;  // a copy: clang 14 lets no lambda take a binding
    CAPTURE(at);
    auto it = code_defaults().find(where);
    REQUIRE_MESSAGE(it != code_defaults().end(), "a schema default the code is not checked against: add it here");
    CHECK(it->second.initialiser() == comparable(value));
    CHECK(it->second.decoded(report.catalog) == comparable(value));
  }
}

TEST_CASE("every code default checked here is still a default of the schemas") {
  auto defaults = schema_defaults();
  for (const auto& [where, _] : code_defaults()) {
    const std::string at = where;  // a copy: clang 14 lets no lambda take a binding
    CAPTURE(at);
    CHECK(defaults.count(where) == 1);
  }
}

}  // namespace
}  // namespace c4
