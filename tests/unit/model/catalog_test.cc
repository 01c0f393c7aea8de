// model/catalog: duplicates, lookup by (tenant, name), tenants holding a name.
#include "model/catalog.h"

#include <doctest/doctest.h>

#include "test_support.h"

namespace c4 {
namespace {

using test::problem_text;
using test::validate_texts;
using test::validate_with_base;

TEST_CASE("a duplicate object is reported at the second declaration naming the first") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Carrier
metadata:
  name: orange
  tenant: acme
)");
  CHECK(problem_text(r) ==
        "test.yaml:4:3: error: Carrier acme/orange /metadata/name: duplicate object: Carrier acme/orange is already "
        "declared at base.yaml:7\n");
}

TEST_CASE("a duplicate tenant is reported once as a duplicate") {
  // Its derived UUID equals the first one's; that is the same mistake, not a second one.
  auto r = validate_with_base("apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: acme}\n");
  CHECK(problem_text(r) ==
        "test.yaml:3:12: error: Tenant acme /metadata/name: duplicate object: Tenant acme is already declared at "
        "base.yaml:3\n");
}

TEST_CASE("a duplicate in the same file names the first line") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Carrier
metadata: {name: sfr, tenant: acme}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: sfr, tenant: acme}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: sfr, tenant: acme}
)");
  CHECK(problem_text(r) ==
        "test.yaml:7:12: error: Carrier acme/sfr /metadata/name: duplicate object: Carrier acme/sfr is already "
        "declared at test.yaml:3\n"
        "test.yaml:11:12: error: Carrier acme/sfr /metadata/name: duplicate object: Carrier acme/sfr is already "
        "declared at test.yaml:3\n");
}

TEST_CASE("the same name in another tenant or another kind is not a duplicate") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: lagoon}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: orange, tenant: lagoon}
---
apiVersion: c4confd/v1
kind: RoutingGroup
metadata: {name: orange, tenant: acme}
---
apiVersion: c4confd/v1
kind: RoutingRule
metadata: {name: orange, tenant: acme}
spec: {routingGroup: orange, targets: [{carrierTrunk: orange-1}]}
)");
  CHECK(problem_text(r) == "");
}

TEST_CASE("a duplicate cluster-scoped object is reported") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: ApiToken
metadata: {name: reader}
spec: {sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, tenants: [acme]}
---
apiVersion: c4confd/v1
kind: ApiToken
metadata: {name: reader}
spec: {sha256: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad, tenants: [acme]}
)");
  CHECK(problem_text(r) ==
        "test.yaml:8:12: error: ApiToken reader /metadata/name: duplicate object: ApiToken reader is already "
        "declared at test.yaml:3\n");
}

TEST_CASE("find looks up objects by kind tenant and name") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: lagoon}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: tim, tenant: lagoon}
spec: {contact: noc@tim.example}
)");
  REQUIRE(problem_text(r) == "");
  const Catalog& c = r.catalog;
  const Carrier* tim = c.find<Carrier>("lagoon", "tim");
  REQUIRE(tim != nullptr);
  CHECK(tim->contact == "noc@tim.example");
  CHECK(tim->meta.file == "test.yaml");
  CHECK(tim->meta.pos.line == 7);
  CHECK(c.find<Carrier>("acme", "tim") == nullptr);
  CHECK(c.find<Carrier>("lagoon", "orange") == nullptr);
  CHECK(c.find<CarrierTrunk>("lagoon", "tim") == nullptr);
  REQUIRE(c.find<Tenant>("", "lagoon") != nullptr);
  CHECK(c.find<Tenant>("", "lagoon")->meta.name == "lagoon");
  CHECK(c.find<Tenant>("lagoon", "lagoon") == nullptr);
  const CarrierTrunk* trunk = c.find<CarrierTrunk>("acme", "orange-1");
  REQUIRE(trunk != nullptr);
  CHECK(trunk->carrier.name == "orange");
  CHECK(trunk->sip_proxy == "sbc.orange.example");
}

TEST_CASE("find returns the first declaration of a duplicate") {
  auto r = validate_texts(
      {test::source("a.yaml", "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: t}\nspec: {description: first}\n"),
       test::source("b.yaml", "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: t}\nspec: {description: second}\n")});
  const Tenant* t = r.catalog.find<Tenant>("", "t");
  REQUIRE(t != nullptr);
  CHECK(t->description == "first");
  CHECK(r.catalog.all<Tenant>().size() == 2u);
}

TEST_CASE("tenants_with lists the other tenants holding a name") {
  auto r = validate_with_base(R"(apiVersion: c4confd/v1
kind: Tenant
metadata: {name: lagoon}
---
apiVersion: c4confd/v1
kind: Tenant
metadata: {name: zeta}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: orange, tenant: zeta}
---
apiVersion: c4confd/v1
kind: Carrier
metadata: {name: orange, tenant: lagoon}
)");
  REQUIRE(problem_text(r) == "");
  const Catalog& c = r.catalog;
  CHECK(test::joined(c.tenants_with<Carrier>("orange", "acme")) == "lagoon\nzeta\n");
  CHECK(test::joined(c.tenants_with<Carrier>("orange", "lagoon")) == "acme\nzeta\n");
  CHECK(test::joined(c.tenants_with<Carrier>("orange", "")) == "acme\nlagoon\nzeta\n");
  CHECK(c.tenants_with<Carrier>("sfr", "").empty());
  CHECK(c.tenants_with<IPBX>("orange", "").empty());
}

TEST_CASE("object_count counts every kind") {
  auto r = validate_with_base("");
  CHECK(r.catalog.object_count() == 4u);
  CHECK(r.catalog.all<Tenant>().size() == 1u);
  CHECK(r.catalog.all<IPBX>().size() == 1u);
}

TEST_CASE("append moves every object to the end") {
  auto a = validate_texts({test::source("a.yaml", "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: a}\n")});
  auto b = validate_texts({test::source("b.yaml", "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: b}\n")});
  Catalog merged;
  merged.append(std::move(a.catalog));
  merged.append(std::move(b.catalog));
  REQUIRE(merged.all<Tenant>().size() == 2u);
  CHECK(merged.all<Tenant>()[0].meta.name == "a");
  CHECK(merged.all<Tenant>()[1].meta.name == "b");
  CHECK(a.catalog.object_count() == 0u);
  CHECK(b.catalog.object_count() == 0u);
  CHECK(merged.find<Tenant>("", "a") == nullptr);  // not indexed yet
  Problems problems;
  merged.build_index(problems);
  CHECK(problems.empty());
  CHECK(merged.find<Tenant>("", "b") != nullptr);
}

}  // namespace
}  // namespace c4
