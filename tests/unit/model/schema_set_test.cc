// model/schema_set: the JSON Schemas of schemas/ and the plain-language messages made from
// valijson's findings. Messages are asserted exactly, with file:line:column.
#include "model/schema_set.h"

#include <doctest/doctest.h>

#include "model/yaml_json.h"
#include "test_support.h"

namespace c4 {
namespace {

using test::problem_text;
using test::validate_with_base;

// Validates one YAML document directly against the schema of `kind`.
struct Direct {
  Problems problems;
  bool valid = false;
};
Direct validate_direct(Kind kind, const std::string& text) {
  auto schemas = SchemaSet::builtin();
  REQUIRE(schemas.is_ok());
  Direct out;
  YAML::Node yaml = YAML::Load(text);
  nlohmann::json json = yaml_to_json(yaml, "d.yaml", out.problems);
  out.valid = (*schemas)->validate(kind, json, yaml, "d.yaml", {"Carrier", "acme", "c"}, out.problems);
  return out;
}

TEST_CASE("builtin schemas compile for every kind") {
  auto schemas = SchemaSet::builtin();
  REQUIRE(schemas.is_ok());
  for (const auto& info : all_kinds()) {
    CAPTURE(info.name);
    CHECK(embedded_schemas().count(std::string(info.schema_file)) == 1u);
    CHECK((*schemas)->schema_at(info.kind, "") != nullptr);
  }
}

TEST_CASE("compile fails when a kind schema is missing or not json") {
  auto files = embedded_schemas();
  files.erase("did.json");
  auto missing = SchemaSet::compile(files);
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.status().code() == Status::Code::internal);
  CHECK(missing.status().message() == "schema did.json is missing");

  files = embedded_schemas();
  files["did.json"] = "{not json";
  auto broken = SchemaSet::compile(files);
  REQUIRE_FALSE(broken.is_ok());
  CHECK(broken.status().message() == "schema did.json is not valid JSON");
}

TEST_CASE("schema_at follows properties items and refs") {
  auto schemas = SchemaSet::builtin();
  REQUIRE(schemas.is_ok());
  const nlohmann::json* port = (*schemas)->schema_at(Kind::CarrierTrunk, "/spec/sipProxyPort");
  REQUIRE(port != nullptr);
  CHECK((*port)["maximum"] == 65535);
  const nlohmann::json* item = (*schemas)->schema_at(Kind::DID, "/spec/numbers/3");
  REQUIRE(item != nullptr);
  CHECK((*item)["type"] == "string");
  const nlohmann::json* name = (*schemas)->schema_at(Kind::DID, "/metadata/name");
  REQUIRE(name != nullptr);
  CHECK(name->contains("pattern"));
  CHECK((*schemas)->schema_at(Kind::DID, "/spec/nothing") == nullptr);
}

TEST_CASE("a valid document gives no problem") {
  auto d = validate_direct(Kind::Carrier, "apiVersion: c4confd/v1\nkind: Carrier\nmetadata: {name: c, tenant: acme}\n");
  CHECK(d.valid);
  CHECK(d.problems.empty());
}

TEST_CASE("each unknown field is reported at its own line with the allowed fields") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata:
  name: t2
  tenant: acme
spec:
  carrier: orange
  sipProxy: sbc.example
  foo: 1
  bar: 2
)");
  CHECK(problem_text(r) ==
        "test.yaml:9:3: error: CarrierTrunk acme/t2 /spec/foo: unknown field \"foo\" (allowed here: allowedSources, "
        "anySource, capacity, carrier, description, normalizationProfile, registration, sipProxy, sipProxyPort, "
        "transport)\n"
        "test.yaml:10:3: error: CarrierTrunk acme/t2 /spec/bar: unknown field \"bar\" (allowed here: allowedSources, "
        "anySource, capacity, carrier, description, normalizationProfile, registration, sipProxy, sipProxyPort, "
        "transport)\n");
  CHECK(r.catalog.find<CarrierTrunk>("acme", "t2") == nullptr);
}

TEST_CASE("unknown fields in metadata and at the top level list their own allowed fields") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Carrier
metadata:
  name: c2
  tenant: acme
  namespace: x
specs: {}
)");
  CHECK(problem_text(r) ==
        "test.yaml:6:3: error: Carrier acme/c2 /metadata/namespace: unknown field \"namespace\" (allowed here: labels, "
        "name, tenant)\n"
        "test.yaml:7:1: error: Carrier acme/c2 /specs: unknown field \"specs\" (allowed here: apiVersion, kind, "
        "metadata, spec)\n");
}

TEST_CASE("metadata.tenant is an unknown field for a Tenant") {
  auto r = validate_with_base("apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: other, tenant: acme}\n");
  CHECK(problem_text(r) ==
        "test.yaml:3:25: error: Tenant other /metadata/tenant: unknown field \"tenant\" (allowed here: labels, "
        "name)\n");
}

TEST_CASE("missing required field is reported at its parent") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t9, tenant: acme}
spec:
  carrier: orange
)");
  CHECK(problem_text(r) == "test.yaml:4:1: error: CarrierTrunk acme/t9 /spec: missing required field \"sipProxy\"\n");
}

TEST_CASE("missing metadata.tenant is reported as a missing required field") {
  auto r = validate_with_base("apiVersion: c4confd/v1\nkind: Carrier\nmetadata:\n  name: c3\n");
  CHECK(problem_text(r) == "test.yaml:3:1: error: Carrier c3 /metadata: missing required field \"tenant\"\n");
}

TEST_CASE("a number where text is expected suggests quoting it") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: NormalizationProfile
metadata: {name: fr, tenant: acme}
spec:
  countryCode: 33
  internationalPrefix: 00
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: d, tenant: acme}
spec:
  ipbx: pbx1
  numbers: [+33140000000, "+33140000001"]
)");
  CHECK(problem_text(r) ==
        "test.yaml:5:3: error: NormalizationProfile acme/fr /spec/countryCode: expected a string, found an integer; "
        "write it in quotes (\"33\") so YAML reads it as text\n"
        "test.yaml:6:3: error: NormalizationProfile acme/fr /spec/internationalPrefix: expected a string, found an "
        "integer; write it in quotes (\"00\") so YAML reads it as text\n"
        "test.yaml:13:13: error: DID acme/d /spec/numbers/0: expected a string, found an integer; write it in quotes "
        "(\"+33140000000\") so YAML reads it as text\n");
}

TEST_CASE("wrong types without a quoting hint") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec:
  host: 192.0.2.11
  allowedSources: 192.0.2.11
  port: "5060"
  anySource: "yes"
  description: [a]
)");
  CHECK(problem_text(r) ==
        "test.yaml:6:3: error: IPBX acme/p2 /spec/allowedSources: expected a list, found a string\n"
        "test.yaml:7:3: error: IPBX acme/p2 /spec/port: expected an integer, found a string\n"
        "test.yaml:8:3: error: IPBX acme/p2 /spec/anySource: expected true or false, found a string\n"
        "test.yaml:9:3: error: IPBX acme/p2 /spec/description: expected a string, found a list\n");
}

TEST_CASE("a value outside an enum lists the allowed values") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec: {carrier: orange, sipProxy: sbc.example, transport: sctp}
)");
  CHECK(problem_text(r) ==
        "test.yaml:4:48: error: CarrierTrunk acme/t2 /spec/transport: \"sctp\" is not allowed; must be one of "
        "\"udp\", \"tcp\", \"tls\"\n");
}

TEST_CASE("a const field names the only value it allows") {
  auto d = validate_direct(Kind::Carrier, "apiVersion: c4confd/v2\nkind: Carrier\nmetadata: {name: c, tenant: acme}\n");
  CHECK_FALSE(d.valid);
  REQUIRE(d.problems.items().size() == 1u);
  CHECK(d.problems.items()[0].to_text() ==
        "d.yaml:1:1: error: Carrier acme/c /apiVersion: must be \"c4confd/v1\", found \"c4confd/v2\"");
}

TEST_CASE("numbers below the minimum or above the maximum say the bound") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec:
  carrier: orange
  sipProxy: sbc.example
  sipProxyPort: 0
  registration:
    username: u
    registrarProxy: reg.example
    expireSeconds: 100000
    retrySeconds: 0
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec: {host: 192.0.2.11, username: u, port: 65536}
)");
  CHECK(problem_text(r) ==
        "test.yaml:7:3: error: CarrierTrunk acme/t2 /spec/sipProxyPort: 0 is too small; must be at least 1\n"
        "test.yaml:11:5: error: CarrierTrunk acme/t2 /spec/registration/expireSeconds: 100000 is too large; must be at "
        "most 86400\n"
        "test.yaml:12:5: error: CarrierTrunk acme/t2 /spec/registration/retrySeconds: 0 is too small; must be at "
        "least 1\n"
        "test.yaml:17:39: error: IPBX acme/p2 /spec/port: 65536 is too large; must be at most 65535\n");
}

TEST_CASE("an empty string where one is required says it must not be empty") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec: {host: 192.0.2.11, allowedSources: [192.0.2.11], username: ""}
)");
  CHECK(problem_text(r) == "test.yaml:4:56: error: IPBX acme/p2 /spec/username: must not be empty\n");
}

TEST_CASE("a pattern mismatch quotes the field description") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: T_bad, tenant: acme}
spec: {carrier: orange, sipProxy: sbc.example}
)");
  CHECK(problem_text(r) ==
        "test.yaml:3:12: error: CarrierTrunk acme/T_bad /metadata/name: \"T_bad\" has the wrong form. Expected: "
        "Object name: 1 to 64 characters, lowercase letters, digits, '.', '_' or '-', starting and ending with a "
        "letter or digit (e.g. orange-paris-1).\n");
}

TEST_CASE("a pattern description with e.g. is not cut at the abbreviation") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
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
    timeWindows: [{start: "8:00", end: "19:00"}]
)");
  CHECK(problem_text(r) ==
        "test.yaml:12:20: error: RoutingRule acme/r /spec/match/timeWindows/0/start: \"8:00\" has the wrong form. "
        "Expected: Opening time, HH:MM (24-hour clock), quoted (e.g. '08:00').\n");
}

TEST_CASE("a label value YAML reads as a number suggests quoting it") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Carrier
metadata:
  name: sfr
  tenant: acme
  labels: {tier: 1, region: eu}
)");
  CHECK(problem_text(r) ==
        "test.yaml:6:12: error: Carrier acme/sfr /metadata/labels/tier: expected a string, found an integer; write it "
        "in quotes (\"1\") so YAML reads it as text\n");
}

TEST_CASE("a tenant uuid of the wrong form quotes the field description without its default") {
  auto r = validate_with_base("apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: bad}\nspec: {uuid: not-a-uuid}\n");
  CHECK(problem_text(r) ==
        "test.yaml:4:8: error: Tenant bad /spec/uuid: \"not-a-uuid\" has the wrong form. Expected: Stable tenant id "
        "sent to Kamailio as tenant_uuid/tenant_id (8-4-4-4-12 hex digits). Set it only to keep an id inherited from "
        "the old service; never change it once live.\n");
}

TEST_CASE("password and passwordFrom together are rejected") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec:
  carrier: orange
  sipProxy: sbc.example
  registration:
    username: u
    registrarProxy: reg.example
    password: p
    passwordFrom: {env: ORANGE_PASSWORD}
)");
  CHECK(problem_text(r) ==
        "test.yaml:10:5: warning: CarrierTrunk acme/t2 /spec/registration/password: plain-text secret in Git; prefer "
        "passwordFrom: {env: NAME} or {file: PATH}\n"
        "test.yaml:11:5: error: CarrierTrunk acme/t2 /spec/registration/passwordFrom: \"passwordFrom\" cannot be set "
        "together with password\n");
  CHECK(r.catalog.find<CarrierTrunk>("acme", "t2") == nullptr);
}

TEST_CASE("ipbx password with ha1 or passwordFrom with ha1 is rejected") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec:
  host: 192.0.2.11
  username: u
  password: p
  ha1: 0123456789abcdef0123456789abcdef
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p3, tenant: acme}
spec:
  host: 192.0.2.12
  username: u
  passwordFrom: {env: PBX_PASSWORD}
  ha1: 0123456789abcdef0123456789abcdef
)");
  CHECK(problem_text(r) ==
        "test.yaml:7:3: warning: IPBX acme/p2 /spec/password: plain-text secret in Git; prefer passwordFrom: {env: "
        "NAME} or {file: PATH}\n"
        "test.yaml:8:3: error: IPBX acme/p2 /spec/ha1: \"ha1\" cannot be set together with password\n"
        "test.yaml:17:3: error: IPBX acme/p3 /spec/ha1: \"ha1\" cannot be set together with passwordFrom\n");
  CHECK(r.catalog.find<IPBX>("acme", "p2") == nullptr);
  CHECK(r.catalog.find<IPBX>("acme", "p3") == nullptr);
}

TEST_CASE("a secretRef must set exactly one of env and file") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec:
  host: 192.0.2.11
  username: u
  passwordFrom: {env: X, file: /run/secrets/x}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p3, tenant: acme}
spec:
  host: 192.0.2.12
  username: u
  passwordFrom: {}
)");
  CHECK(problem_text(r) ==
        "test.yaml:7:3: error: IPBX acme/p2 /spec/passwordFrom: set exactly one of: env, file\n"
        "test.yaml:15:3: error: IPBX acme/p3 /spec/passwordFrom: set exactly one of: env, file\n");
}

TEST_CASE("an empty capacity asks for at least one limit") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec:
  host: 192.0.2.11
  username: u
  capacity: {}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p3, tenant: acme}
spec:
  host: 192.0.2.12
  username: u
  capacity: {maxCallsPerSecond: 5, maxChannels: 30}
)");
  // Both limits together are fine (capacity has no maxProperties), so "exactly one" is wrong.
  CHECK(r.catalog.find<IPBX>("acme", "p3") != nullptr);
  auto lines = test::problem_lines(r);
  REQUIRE(lines.size() == 1u);
  CHECK(lines[0].rfind("test.yaml:7:3: error: IPBX acme/p2 /spec/capacity: ", 0) == 0);
  CHECK(lines[0].find("maxCallsPerSecond, maxChannels") != std::string::npos);
  CHECK(lines[0].find("exactly") == std::string::npos);
}

TEST_CASE("a DID without numbers ranges prefixes or regex lists the choices once") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: DID
metadata: {name: d1, tenant: acme}
spec:
  ipbx: pbx1
)");
  CHECK(problem_text(r) ==
        "test.yaml:4:1: error: DID acme/d1 /spec: must set at least one of: numbers, ranges, prefixes, regex\n");
}

TEST_CASE("a DID with only an empty list is reported once by the anyOf") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: DID
metadata: {name: d2, tenant: acme}
spec:
  ipbx: pbx1
  numbers: []
)");
  CHECK(problem_text(r) ==
        "test.yaml:4:1: error: DID acme/d2 /spec: must set at least one of: numbers, ranges, prefixes, regex\n");
}

TEST_CASE("a DID with a regex only is valid") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: DID
metadata: {name: d3, tenant: acme}
spec: {ipbx: pbx1, regex: '^\+3314[0-9]{6}$'}
)");
  CHECK(problem_text(r) == "");
  CHECK(r.catalog.find<DID>("acme", "d3") != nullptr);
}

TEST_CASE("an empty list under minItems says how many items are needed") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: ApiToken
metadata: {name: tok}
spec:
  sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  tenants: []
)");
  CHECK(problem_text(r) == "test.yaml:6:3: error: ApiToken tok /spec/tenants: must list at least 1 item\n");
}

TEST_CASE("a routing rule with an empty targets list is reported once") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: g, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r1, tenant: acme}
spec:
  routingGroup: g
  targets: []
)");
  // One defect, one line (no second "no targets" message from the decoder), and the group is
  // not also warned about: its only rule exists, it is just invalid.
  CHECK(problem_text(r) == "test.yaml:10:3: error: RoutingRule acme/r1 /spec/targets: must list at least 1 item\n");
}

TEST_CASE("a list item given twice is reported") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: ApiToken
metadata: {name: tok}
spec:
  sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  tenants: [acme, acme]
)");
  CHECK(problem_text(r) == "test.yaml:6:3: error: ApiToken tok /spec/tenants: lists the same item twice\n");
}

}  // namespace
}  // namespace c4
