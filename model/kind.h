// The registry of kinds: every fact about a kind of manifest object that code outside the
// kind's own model file needs, in one table (model/kind.cc). Code that lists kinds (the schema
// set, the database layout, the REST views, the redaction of secrets, the Redis projection)
// reads it instead of keeping a list of its own. docs/adding-a-kind.md says what else a new
// kind needs.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace c4 {

inline constexpr std::string_view kApiVersion = "c4confd/v1";

// Declared in dependency order: an object only refers to kinds declared before its own
// (creates go in this order, deletes in reverse).
enum class Kind {
  Tenant,
  Domain,
  Carrier,
  NormalizationProfile,
  CarrierTrunk,
  RoutingGroup,
  IPBX,
  DID,
  RoutingRule,
  ApiToken,
};
inline constexpr size_t kKindCount = 10;

// A by-name reference to one object of the same tenant, held in the database as a foreign
// key: spec field `field` names a `target`, whose id column `column` holds.
struct KindRef {
  const char* field;   // "carrier"
  const char* column;  // "carrier_id"
  Kind target;
};

// What the Redis projection (reconciler/redis_projection.h, docs/redis.md) makes of a kind.
enum class RedisProjection {
  none,
  source_addresses,  // c4:src:<ip> and c4:srcnet entries for its allowedSources
  did_numbers,       // c4:did:<E.164>, c4:didrange and c4:didprefix entries
};

struct KindInfo {
  Kind kind;
  std::string_view name;         // as written in `kind:`
  std::string_view schema_file;  // in schemas/
  bool tenant_scoped;       // metadata.tenant required (else forbidden)
  const char* table;        // its database table (reconciler/migrations/)
  const char* rest_path;    // its REST collection: /1.0/<rest_path>
  const char* noun;         // how messages name one object ("carrier trunk")
  // The references held as foreign keys, in column order. References held in link tables
  // (a rule's targets, a token's tenants) are not listed: their kind's code writes them.
  std::vector<KindRef> refs;
  // Spec keys whose value is a secret, at any depth below spec (model/redaction.h).
  std::vector<const char*> secret_fields;
  RedisProjection projection = RedisProjection::none;
  const char* projection_label = "";  // the `kind` field of its c4:src entries ("ipbx")
};

const std::array<KindInfo, kKindCount>& all_kinds();
const KindInfo& kind_info(Kind k);
std::string_view kind_name(Kind k);
// Looks up a kind by its YAML name ("CarrierTrunk"); nullopt when unknown.
std::optional<Kind> kind_from_name(std::string_view name);

}  // namespace c4
