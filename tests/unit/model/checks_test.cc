// model/checks: cross-object rules (tenants, references, unique values, routing plans).
#include "model/checks.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace c4 {
namespace {

using test::problem_text;
using test::validate_with_base;

const char* kLagoon = R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: lagoon}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: tim, tenant: lagoon}
)";

TEST_CASE("an object whose tenant is not declared is reported at metadata.tenant") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Carrier
metadata:
  name: sfr
  tenant: ghost
)");
  CHECK(problem_text(r) ==
        "test.yaml:5:3: error: Carrier ghost/sfr /metadata/tenant: tenant \"ghost\" is not declared by any Tenant "
        "object\n");
}

TEST_CASE("objects of declared tenants pass the tenant check") {
  auto r = validate_with_base("");
  CHECK(problem_text(r) == "");
  CHECK(r.ok());
}

TEST_CASE("every reference field reports a dangling name at its own line") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec:
  carrier: nope-carrier
  sipProxy: sbc.example
  normalizationProfile: nope-profile
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec:
  host: 192.0.2.11
  username: u
  domain: nope-domain
  normalizationProfile: nope-profile
  routingGroup: nope-group
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: d, tenant: acme}
spec:
  ipbx: nope-ipbx
  carrierTrunk: nope-trunk
  numbers: ["+33140000000"]
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r, tenant: acme}
spec:
  routingGroup: nope-group
  targets:
    - carrierTrunk: orange-1
    - carrierTrunk: nope-trunk
---
apiVersion: c4confd/v1
kind: ApiToken
metadata: {name: tok}
spec:
  sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  tenants: [acme, nope-tenant]
)");
  CHECK(problem_text(r) ==
        "test.yaml:5:3: error: CarrierTrunk acme/t2 /spec/carrier: references Carrier \"nope-carrier\", which does "
        "not exist in tenant acme\n"
        "test.yaml:7:3: error: CarrierTrunk acme/t2 /spec/normalizationProfile: references NormalizationProfile "
        "\"nope-profile\", which does not exist in tenant acme\n"
        "test.yaml:15:3: error: IPBX acme/p2 /spec/domain: references Domain \"nope-domain\", which does not exist in "
        "tenant acme\n"
        "test.yaml:16:3: error: IPBX acme/p2 /spec/normalizationProfile: references NormalizationProfile "
        "\"nope-profile\", which does not exist in tenant acme\n"
        "test.yaml:17:3: error: IPBX acme/p2 /spec/routingGroup: references RoutingGroup \"nope-group\", which does "
        "not exist in tenant acme\n"
        "test.yaml:23:3: error: DID acme/d /spec/ipbx: references IPBX \"nope-ipbx\", which does not exist in tenant "
        "acme\n"
        "test.yaml:24:3: error: DID acme/d /spec/carrierTrunk: references CarrierTrunk \"nope-trunk\", which does not "
        "exist in tenant acme\n"
        "test.yaml:31:3: error: RoutingRule acme/r /spec/routingGroup: references RoutingGroup \"nope-group\", which "
        "does not exist in tenant acme\n"
        "test.yaml:34:7: error: RoutingRule acme/r /spec/targets/1/carrierTrunk: references CarrierTrunk "
        "\"nope-trunk\", which does not exist in tenant acme\n"
        "test.yaml:41:19: error: ApiToken tok /spec/tenants/1: references Tenant \"nope-tenant\", which is not "
        "declared\n");
}

TEST_CASE("references that resolve in the same tenant give no problem") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Domain
metadata: {name: main, tenant: acme}
spec: {domain: acme.example}
---
apiVersion: c4confd/v1
kind: NormalizationProfile
metadata: {name: fr, tenant: acme}
spec: {countryCode: "33"}
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: g, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r, tenant: acme}
spec: {routingGroup: g, targets: [{carrierTrunk: orange-1}]}
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p2, tenant: acme}
spec: {host: pbx.acme.example, username: u, domain: main, normalizationProfile: fr, routingGroup: g}
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: d, tenant: acme}
spec: {ipbx: p2, carrierTrunk: orange-1, numbers: ["+33140000000"]}
)");
  CHECK(problem_text(r) == "");
}

TEST_CASE("a reference written other-tenant/name is rejected as cross-tenant") {
  auto r = validate_with_base(std::string(kLagoon) + R"(---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec:
  carrier: lagoon/tim
  sipProxy: sbc.example
)");
  CHECK(problem_text(r) ==
        "test.yaml:13:3: error: CarrierTrunk acme/t2 /spec/carrier: cross-tenant reference to Carrier \"lagoon/tim\": "
        "objects of tenant acme may only refer to objects of the same tenant\n");
}

TEST_CASE("a cross-tenant reference is rejected even when the target does not exist") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: DID
metadata: {name: d, tenant: acme}
spec:
  ipbx: nowhere/pbx9
  numbers: ["+33140000000"]
)");
  CHECK(problem_text(r) ==
        "test.yaml:5:3: error: DID acme/d /spec/ipbx: cross-tenant reference to IPBX \"nowhere/pbx9\": objects of "
        "tenant acme may only refer to objects of the same tenant\n");
}

TEST_CASE("a reference prefixed with its own tenant asks for the bare name") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec:
  carrier: acme/orange
  sipProxy: sbc.example
)");
  CHECK(problem_text(r) ==
        "test.yaml:5:3: error: CarrierTrunk acme/t2 /spec/carrier: write \"orange\" without the tenant prefix: "
        "references are always within the tenant\n");
}

TEST_CASE("a name that exists only in another tenant says which tenant has it") {
  auto r = validate_with_base(std::string(kLagoon) + R"(---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: t2, tenant: acme}
spec:
  carrier: tim
  sipProxy: sbc.example
)");
  CHECK(problem_text(r) ==
        "test.yaml:13:3: error: CarrierTrunk acme/t2 /spec/carrier: references Carrier \"tim\", which does not exist "
        "in tenant acme (tenant lagoon has one, but references cannot cross tenants)\n");
}

TEST_CASE("an explicit tenant uuid equal to another tenant's derived uuid is reported") {
  // acme's derived UUID, written in upper case: compared case-insensitively.
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: lagoon}
spec:
  uuid: 142B78A0-D0C0-57EB-92A4-B7806C80E135
)");
  CHECK(problem_text(r) ==
        "test.yaml:5:3: error: Tenant lagoon /spec/uuid: tenant UUID \"142b78a0-d0c0-57eb-92a4-b7806c80e135\" is "
        "already used by Tenant acme at base.yaml:3\n");
}

TEST_CASE("two tenants with the same explicit uuid are reported at the second") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: one}
spec: {uuid: 11111111-2222-3333-4444-555555555555}
---
apiVersion: c4confd/v1
kind: Tenant
metadata: {name: two}
spec: {uuid: 11111111-2222-3333-4444-555555555555}
)");
  CHECK(problem_text(r) ==
        "test.yaml:9:8: error: Tenant two /spec/uuid: tenant UUID \"11111111-2222-3333-4444-555555555555\" is already "
        "used by Tenant one at test.yaml:3\n");
  REQUIRE(r.catalog.find<Tenant>("", "one") != nullptr);
  CHECK_FALSE(r.catalog.find<Tenant>("", "one")->uuid_derived);
  CHECK(r.catalog.find<Tenant>("", "acme")->uuid_derived);
  CHECK(r.catalog.find<Tenant>("", "acme")->uuid == "142b78a0-d0c0-57eb-92a4-b7806c80e135");
}

TEST_CASE("a sip domain used twice is reported whatever its case") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Domain
metadata: {name: main, tenant: acme}
spec: {domain: Acme.Example}
---
apiVersion: c4confd/v1
kind: Tenant
metadata: {name: lagoon}
---
apiVersion: c4confd/v1
kind: Domain
metadata: {name: other, tenant: lagoon}
spec:
  domain: acme.EXAMPLE
)");
  CHECK(problem_text(r) ==
        "test.yaml:14:3: error: Domain lagoon/other /spec/domain: SIP domain \"acme.example\" is already used by "
        "Domain acme/main at test.yaml:3\n");
}

TEST_CASE("a token hash used twice is reported whatever its case") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: ApiToken
metadata: {name: tok1}
spec: {sha256: E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855, tenants: [acme]}
---
apiVersion: c4confd/v1
kind: ApiToken
metadata: {name: tok2}
spec:
  sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  tenants: [acme]
)");
  CHECK(problem_text(r) ==
        "test.yaml:10:3: error: ApiToken tok2 /spec/sha256: token hash "
        "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\" is already used by ApiToken tok1 at "
        "test.yaml:3\n");
}

TEST_CASE("a trunk listed twice in one rule is reported at the second target") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: g, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r, tenant: acme}
spec:
  routingGroup: g
  targets:
    - carrierTrunk: orange-1
    - {carrierTrunk: orange-1, priority: 2}
)");
  CHECK(problem_text(r) ==
        "test.yaml:12:8: error: RoutingRule acme/r /spec/targets/1/carrierTrunk: carrier trunk \"orange-1\" is listed "
        "twice in this rule's targets\n");
}

TEST_CASE("a routing group without rules is a warning") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: RoutingGroup
metadata:
  name: empty
  tenant: acme
)");
  CHECK(problem_text(r) ==
        "test.yaml:4:3: warning: RoutingGroup acme/empty /metadata/name: routing group has no RoutingRule, so "
        "outbound calls that use it get no route\n");
  CHECK(r.ok());
  CHECK(r.problems.warning_count() == 1u);
}

TEST_CASE("a rule of another tenant does not count for a group of the same name") {
  auto r = validate_with_base(std::string(kLagoon) + R"(---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: tim-1, tenant: lagoon}
spec: {carrier: tim, sipProxy: sbc.tim.example, anySource: true}
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: main, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: main, tenant: lagoon}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r, tenant: lagoon}
spec: {routingGroup: main, targets: [{carrierTrunk: tim-1}]}
)");
  CHECK(problem_text(r) ==
        "test.yaml:16:12: warning: RoutingGroup acme/main /metadata/name: routing group has no RoutingRule, so "
        "outbound calls that use it get no route\n");
}

const char* kTwoGroups = R"(apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: g1, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: g2, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r1, tenant: acme}
spec: {routingGroup: g1, targets: [{carrierTrunk: orange-1}]}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r2, tenant: acme}
spec: {routingGroup: g2, targets: [{carrierTrunk: orange-1}]}
)";

TEST_CASE("an ipbx without routingGroup in a tenant with two groups is a warning at its spec") {
  // base.yaml's pbx1 has no routingGroup either.
  auto r = validate_with_base(std::string(kTwoGroups) + R"(---
apiVersion: c4confd/v1
kind: IPBX
metadata:
  name: p2
  tenant: acme
spec:
  host: 192.0.2.11
  username: u
---
apiVersion: c4confd/v1
kind: IPBX
metadata: {name: p3, tenant: acme}
spec: {host: 192.0.2.12, username: u, routingGroup: g2}
)");
  CHECK(problem_text(r) ==
        "base.yaml:17:1: warning: IPBX acme/pbx1 /spec: tenant acme has several routing groups; set routingGroup to "
        "say which one this IPBX uses (without it, its outbound calls get no route)\n"
        "test.yaml:24:1: warning: IPBX acme/p2 /spec: tenant acme has several routing groups; set routingGroup to "
        "say which one this IPBX uses (without it, its outbound calls get no route)\n");
  CHECK(r.ok());
}

TEST_CASE("an ipbx without routingGroup in a tenant with one group is fine") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: g1, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: r1, tenant: acme}
spec: {routingGroup: g1, targets: [{carrierTrunk: orange-1}]}
)");
  CHECK(problem_text(r) == "");
}

TEST_CASE("check functions run on a catalog built by hand") {
  auto r = validate_with_base("");
  Catalog catalog = std::move(r.catalog);
  Carrier orphan;
  orphan.meta.kind = Kind::Carrier;
  orphan.meta.name = "lost";
  orphan.meta.tenant = "nobody";
  orphan.meta.file = "hand.yaml";
  orphan.meta.pos = {2, 3};
  catalog.all<Carrier>().push_back(orphan);
  Problems problems;
  check_tenants_exist(catalog, problems);
  REQUIRE(problems.items().size() == 1u);
  CHECK(problems.items()[0].message == "tenant \"nobody\" is not declared by any Tenant object");
  CHECK(problems.items()[0].pointer == "/metadata/tenant");
  Problems none;
  check_references(catalog, none);
  check_unique_values(catalog, none);
  check_routing(catalog, none);
  CHECK(none.empty());
}

}  // namespace
}  // namespace c4
