// model/validate: the whole pipeline over several files (parse, header, schema, decode, checks).
#include "model/validate.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace c4 {
namespace {

using test::problem_text;
using test::validate_texts;
using test::validate_with_base;

// A revision of several files with problems of every stage.
std::vector<SourceText> multi_file_input() {
  std::vector<SourceText> files = {test::source("base.yaml", test::base_manifests())};
  files.push_back(test::source("dids/a.yaml", R"(apiVersion: c4confd/v1
kind: DID
metadata: {name: a, tenant: acme}
spec: {ipbx: pbx1, numbers: ["+33140000000", "+33140000001"]}
)"));
  files.push_back(test::source("dids/b.yaml", R"(apiVersion: c4confd/v1
kind: DID
metadata: {name: b, tenant: acme}
spec: {ipbx: nope, ranges: [{from: "+33140000000", to: "+33140000099"}]}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: orange, tenant: acme}
)"));
  files.push_back(test::source("broken.yaml", "a: [1\n"));
  files.push_back(test::source("trunks.yaml", R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec: {carrier: orange, sipProxy: sbc.example, allowedSources: [192.0.2.1/24], extra: 1}
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: g, tenant: acme}
)"));
  for (int i = 0; i < 6; ++i)
    files.push_back(test::source("more/c" + std::to_string(i) + ".yaml",
                     "apiVersion: c4confd/v1\nkind: Carrier\nmetadata: {name: c" + std::to_string(i) +
                         ", tenant: acme}\n"));
  return files;
}

std::vector<std::string> object_names(const Catalog& c) {
  std::vector<std::string> out;
  c.for_each_list([&](const auto& list) {
    for (const auto& o : list) out.push_back(o.meta.ref().display() + "@" + o.meta.file);
  });
  return out;
}

TEST_CASE("results do not depend on the thread count") {
  auto schemas = SchemaSet::builtin();
  REQUIRE(schemas.is_ok());
  auto files = multi_file_input();
  ValidationReport one = validate_sources(files, **schemas, 1);
  ValidationReport four = validate_sources(files, **schemas, 4);
  ValidationReport all = validate_sources(files, **schemas, 0);
  CHECK_FALSE(one.problems.empty());
  CHECK(problem_text(four) == problem_text(one));
  CHECK(problem_text(all) == problem_text(one));
  CHECK(test::joined(object_names(four.catalog)) == test::joined(object_names(one.catalog)));
  CHECK(four.files == one.files);
  CHECK(four.documents == one.documents);
  CHECK(one.files == 11u);
  CHECK(one.documents == 15u);  // broken.yaml holds none
}

TEST_CASE("a multi-file revision reports every problem sorted by file and line") {
  auto schemas = SchemaSet::builtin();
  REQUIRE(schemas.is_ok());
  ValidationReport r = validate_sources(multi_file_input(), **schemas, 4);
  CHECK(problem_text(r) ==
        "broken.yaml:2:1: error: invalid YAML: end of sequence flow not found\n"
        "dids/b.yaml:4:8: error: DID acme/b /spec/ipbx: references IPBX \"nope\", which does not exist in tenant "
        "acme\n"
        "dids/b.yaml:4:29: error: DID acme/b /spec/ranges/0: range +33140000000..+33140000099 includes +33140000000, "
        "already claimed by number +33140000000 of DID acme/a at dids/a.yaml:4\n"
        "dids/b.yaml:8:12: error: Carrier acme/orange /metadata/name: duplicate object: Carrier acme/orange is already "
        "declared at base.yaml:7\n"
        "trunks.yaml:4:65: error: CarrierTrunk acme/t2 /spec/allowedSources/0: \"192.0.2.1/24\" has host bits set; "
        "the network is 192.0.2.0/24\n"
        "trunks.yaml:4:80: error: CarrierTrunk acme/t2 /spec/extra: unknown field \"extra\" (allowed here: "
        "allowedSources, anySource, capacity, carrier, description, normalizationProfile, registration, sipProxy, "
        "sipProxyPort, transport)\n"
        "trunks.yaml:8:12: warning: RoutingGroup acme/g /metadata/name: routing group has no RoutingRule, so outbound "
        "calls that use it get no route\n");
}

TEST_CASE("problems are sorted by file then line then column whatever the input order") {
  auto r = validate_texts(
      {test::source("z.yaml", "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: zed, x: 1}\n"),
       test::source("a.yaml", "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: acme, y: 1, x: 1}\n"
                              "---\napiVersion: c4confd/v2\nkind: Carrier\n"),
       test::source("m.yaml", "kind: Tenant\n")});
  CHECK(problem_text(r) ==
        "a.yaml:3:24: error: Tenant acme /metadata/y: unknown field \"y\" (allowed here: labels, name)\n"
        "a.yaml:3:30: error: Tenant acme /metadata/x: unknown field \"x\" (allowed here: labels, name)\n"
        "a.yaml:5:1: error: Carrier (unnamed) /apiVersion: unknown apiVersion \"c4confd/v2\"; this c4confd reads c4confd/v1\n"
        "m.yaml:1:1: error: Tenant (unnamed): missing required field \"apiVersion\" (use c4confd/v1)\n"
        "z.yaml:3:23: error: Tenant zed /metadata/x: unknown field \"x\" (allowed here: labels, name)\n");
}

TEST_CASE("a document with schema errors still gets value checks") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec:
  carrier: orange
  sipProxy: -bad-.example
  allowedSources: [198.51.100.9/28, 2001:db8::1/200]
  colour: blue
)");
  CHECK(problem_text(r) ==
        "test.yaml:6:3: error: CarrierTrunk acme/t2 /spec/sipProxy: \"-bad-.example\" is neither an IP address nor a "
        "valid hostname\n"
        "test.yaml:7:20: error: CarrierTrunk acme/t2 /spec/allowedSources/0: \"198.51.100.9/28\" has host bits set; "
        "the network is 198.51.100.0/28\n"
        "test.yaml:7:37: error: CarrierTrunk acme/t2 /spec/allowedSources/1: \"2001:db8::1/200\": prefix length 200 "
        "is longer than 128\n"
        "test.yaml:8:3: error: CarrierTrunk acme/t2 /spec/colour: unknown field \"colour\" (allowed here: "
        "allowedSources, anySource, capacity, carrier, description, normalizationProfile, registration, sipProxy, "
        "sipProxyPort, transport)\n");
}

TEST_CASE("a document with schema errors is not added to the catalog") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec: {carrier: orange, sipProxy: sbc.example, colour: blue}
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: d, tenant: acme}
spec: {ipbx: t2-pbx, numbers: ["+33140000000"], extra: true}
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: e, tenant: acme}
spec: {ipbx: pbx1, numbers: ["+33140000000"]}
)");
  CHECK(r.catalog.find<CarrierTrunk>("acme", "t2") == nullptr);
  CHECK(r.catalog.find<DID>("acme", "d") == nullptr);
  CHECK(r.catalog.find<DID>("acme", "e") != nullptr);
  CHECK(r.catalog.all<CarrierTrunk>().size() == 1u);
  // d is out of the catalog, so neither its dangling ipbx nor its number clash with e is reported.
  CHECK(problem_text(r) ==
        "test.yaml:4:48: error: CarrierTrunk acme/t2 /spec/colour: unknown field \"colour\" (allowed here: "
        "allowedSources, anySource, capacity, carrier, description, normalizationProfile, registration, sipProxy, "
        "sipProxyPort, transport)\n"
        "test.yaml:9:49: error: DID acme/d /spec/extra: unknown field \"extra\" (allowed here: carrierTrunk, "
        "description, ipbx, numbers, prefixes, ranges, regex)\n");
}

TEST_CASE("references to an object whose document is invalid are not reported again") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Carrier
metadata: {name: sfr, tenant: acme}
spec: {colour: red}
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec: {carrier: sfr, sipProxy: sbc.example}
---
apiVersion: c4confd/v1
kind: Tenant
metadata: {name: bad}
spec: {uuid: not-a-uuid}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: x, tenant: bad}
)");
  CHECK(problem_text(r) ==
        "test.yaml:4:8: error: Carrier acme/sfr /spec/colour: unknown field \"colour\" (allowed here: contact, "
        "description)\n"
        "test.yaml:14:8: error: Tenant bad /spec/uuid: \"not-a-uuid\" has the wrong form. Expected: Stable tenant id "
        "sent to Kamailio as tenant_uuid/tenant_id (8-4-4-4-12 hex digits). Set it only to keep an id inherited from "
        "the old service; never change it once live.\n");
  CHECK(r.catalog.find<CarrierTrunk>("acme", "t2") != nullptr);
  CHECK(r.catalog.find<Carrier>("acme", "sfr") == nullptr);
}

TEST_CASE("value checks report bad numbers regexes and time windows") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: DID
metadata: {name: d, tenant: acme}
spec:
  ipbx: pbx1
  numbers: ["+0331", "33140000000"]
  ranges:
    - {from: "+33140000099", to: "+33140000000"}
    - {from: "+3314000000", to: "+33140000000"}
  prefixes: ["+"]
  regex: "(unclosed"
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: g, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r, tenant: acme}
spec:
  routingGroup: g
  targets: [{carrierTrunk: orange-1}]
  match:
    minLength: 12
    maxLength: 9
    timeWindows:
      - {start: "09:00", end: "09:00"}
      - {start: "09:00", end: "18:00", timezone: Mars/Olympus}
      - {start: "09:00", end: "18:00", from: "2026-02-30"}
      - {start: "09:00", end: "18:00", days: [mon], from: "2026-12-24", until: "2026-12-27"}
)");
  CHECK(problem_text(r) ==
        "test.yaml:6:13: error: DID acme/d /spec/numbers/0: \"+0331\" is not an E.164 number: a country code never "
        "starts with 0\n"
        "test.yaml:6:22: error: DID acme/d /spec/numbers/1: \"33140000000\" is not an E.164 number: it must start with "
        "'+' and the country code\n"
        "test.yaml:8:7: error: DID acme/d /spec/ranges/0: range is reversed: +33140000099 is after +33140000000\n"
        "test.yaml:9:7: error: DID acme/d /spec/ranges/1: range ends +3314000000 and +33140000000 have different "
        "lengths\n"
        "test.yaml:10:14: error: DID acme/d /spec/prefixes/0: \"+\" is not an E.164 prefix: it must have 1 to 15 "
        "digits\n"
        "test.yaml:11:3: error: DID acme/d /spec/regex: regular expression \"(unclosed\" is rejected by RE2: missing ): "
        "(unclosed\n"
        "test.yaml:23:3: error: RoutingRule acme/r /spec/match: minLength 12 is greater than maxLength 9, so the rule "
        "can never match\n"
        "test.yaml:27:9: error: RoutingRule acme/r /spec/match/timeWindows/0: time window can never open: start and end "
        "are both 09:00\n"
        "test.yaml:28:40: error: RoutingRule acme/r /spec/match/timeWindows/1/timezone: unknown time zone "
        "\"Mars/Olympus\" (use an IANA name such as Europe/Paris)\n"
        "test.yaml:29:40: error: RoutingRule acme/r /spec/match/timeWindows/2/from: \"2026-02-30\" is not a calendar "
        "date\n"
        "test.yaml:30:9: error: RoutingRule acme/r /spec/match/timeWindows/3: time window can never open: none of the "
        "selected days falls between 2026-12-24 and 2026-12-27\n");
}

TEST_CASE("an unknown kind suggests the right spelling") {
  auto r = validate_with_base("apiVersion: c4confd/v1\nkind: carriertrunk\nmetadata: {name: x, tenant: acme}\n---\n"
                              "apiVersion: c4confd/v1\nkind: Trunk\nmetadata: {name: y, tenant: acme}\n");
  CHECK(problem_text(r) ==
        "test.yaml:2:1: error: carriertrunk acme/x /kind: unknown kind \"carriertrunk\" (did you mean "
        "CarrierTrunk?)\n"
        "test.yaml:6:1: error: Trunk acme/y /kind: unknown kind \"Trunk\"; known kinds: Tenant, Domain, Carrier, "
        "NormalizationProfile, CarrierTrunk, RoutingGroup, IPBX, DID, RoutingRule, ApiToken\n");
}

TEST_CASE("a document that is not a mapping is reported") {
  auto r = validate_with_base("- just\n- a list\n---\nplain text\n");
  CHECK(problem_text(r) ==
        "test.yaml:1:1: error: a manifest must be a mapping with apiVersion, kind, metadata and spec\n"
        "test.yaml:4:1: error: a manifest must be a mapping with apiVersion, kind, metadata and spec\n");
}

TEST_CASE("a missing kind lists the known kinds") {
  auto r = validate_with_base("apiVersion: c4confd/v1\nmetadata: {name: x}\n");
  CHECK(problem_text(r) ==
        "test.yaml:1:1: error: missing required field \"kind\" (one of: Tenant, Domain, Carrier, NormalizationProfile, "
        "CarrierTrunk, RoutingGroup, IPBX, DID, RoutingRule, ApiToken)\n");
}

TEST_CASE("report counts files documents and objects") {
  auto r = validate_texts({test::source("a.yaml", test::base_manifests()), test::source("empty.yaml", "---\n---\n"),
                           test::source("bad.yaml", "[\n")});
  CHECK(r.files == 3u);
  CHECK(r.documents == 4u);
  CHECK(r.catalog.object_count() == 4u);
  CHECK_FALSE(r.ok());
  CHECK(r.problems.error_count() == 1u);
}

TEST_CASE("an empty revision is valid") {
  auto schemas = SchemaSet::builtin();
  REQUIRE(schemas.is_ok());
  ValidationReport r = validate_sources({}, **schemas, 4);
  CHECK(r.ok());
  CHECK(r.problems.empty());
  CHECK(r.files == 0u);
  CHECK(r.catalog.object_count() == 0u);
}

TEST_CASE("warnings alone keep a revision valid") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec: {host: 192.0.2.11, username: u, password: secret, digestRealm: p2.example}
)");
  CHECK(problem_text(r) ==
        "test.yaml:4:39: warning: IPBX acme/p2 /spec/password: plain-text secret in Git; prefer passwordFrom: {env: "
        "NAME} or {file: PATH}\n");
  CHECK(r.ok());
}

}  // namespace
}  // namespace c4
