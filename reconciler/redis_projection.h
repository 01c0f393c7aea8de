// The Redis projection: the keys the edge (SBC, Kamailio helpers) reads, derived from a
// revision's catalog, written as a diff. docs/redis.md is the contract for readers.
//
// Key space (everything under "c4:" belongs to c4confd; any other c4:* key is deleted):
//
//   c4:src:<ip>      hash   one per exact address ("192.0.2.10", "2001:db8::1") in the
//                           allowedSources of a CarrierTrunk or an IPBX. Fields:
//                             tenant, tenant_uuid, kind ("carrier_trunk" | "ipbx"), name, id
//   c4:srcnet        hash   field: a network in CIDR form ("198.51.100.0/28"), value: JSON
//                           {"id":7,"kind":"ipbx","name":..,"tenant":..,"tenant_uuid":..}.
//                           Loaded whole by the edge for longest-prefix match.
//   c4:did:<E.164>   hash   one per number of a DID's `numbers` and of each of its `ranges` of
//                           at most 100,000 numbers ("c4:did:+33140000000"). Fields:
//                             did (the DID's name), ipbx, ipbx_id, tenant, tenant_uuid,
//                             carrier_trunk ("" when the DID takes calls from any trunk)
//   c4:didrange      hash   field "<first>..<last>" ("+33140000000..+33140000999") for every
//                           range, expanded or not; value: JSON of the c4:did:<E.164> fields
//                           (ipbx_id as a number).
//   c4:didprefix     hash   field: a DID prefix ("+3314"); value: the same JSON.
//   c4:revision      string the revision id last projected.
//   c4:projecting    string the revision being projected; exists only during a projection
//                           or after one was cut short (the edge may ignore it).
//   channel c4:revisions    the revision id is PUBLISHed after each successful projection.
//
// Not projected: DID regexes (only the API routes them), objects with anySource: true (they
// have no address to key on), and every kind other than CarrierTrunk, IPBX and DID. An empty
// hash does not exist in Redis: c4:srcnet, c4:didrange and c4:didprefix are absent when there
// is nothing to put in them. When two objects claim the same address or CIDR (validation allows
// it: a carrier SBC may serve two tenants), the key holds the first in catalog order (carrier
// trunks before IPBXs, then by file path and position).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "model/catalog.h"
#include "store/redis_client.h"

namespace c4 {

// Ranges with more numbers than this are only in c4:didrange, not expanded to c4:did:* keys.
inline constexpr uint64_t kMaxExpandedDidRange = 100'000;

struct ProjectionInput {
  std::string revision;    // e.g. "42:3f2a9c..." (revision row id and commit): opaque
  const Catalog* catalog = nullptr;  // the desired objects; REQUIRES: validated without errors
  // The database id of an object; always known at projection time (the apply has committed).
  std::function<int64_t(Kind kind, const std::string& tenant, const std::string& name)> id_of;
  std::function<std::string(const std::string& tenant)> tenant_uuid_of;

  // Optional shortcut: the catalog last projected and its revision id. When Redis says
  // c4:revision == previous_revision and no projection was cut short since (no c4:projecting
  // key), only the keys whose projection differs between `previous` and `catalog` are written
  // or deleted, without reading the key space: the caller vouches that nobody else writes
  // c4:* keys (hand edits in Redis are then not corrected; the full diff corrects them).
  // id_of and tenant_uuid_of are only asked about objects of `catalog` (ids are stable across
  // updates); when a tenant's uuid changed between the two catalogs, the full diff runs. Only
  // the DIDs added, removed or changed (by hash) have their c4:did:* keys computed, so the
  // shortcut costs the changed files' numbers, not the million others.
  const Catalog* previous = nullptr;
  std::string previous_revision;
};

// Counts of projected keys; c4:revision and c4:projecting are not counted.
struct ProjectionStats {
  size_t keys_written = 0;  // keys (re)written because missing or different
  size_t keys_deleted = 0;  // stale keys removed
  size_t unchanged = 0;     // desired keys left as they were
  bool full_resync = false; // true when the whole c4:* key space was read and compared
};

// Makes Redis hold exactly the projection of `input`: computes the desired key → fields map,
// compares it with what Redis holds (SCAN MATCH c4:* + pipelined HGETALL), writes only the keys
// whose content differs (DEL + HSET inside MULTI/EXEC per batch, so a reader never sees a
// half-written hash), deletes stale c4:* keys, then SETs c4:revision and PUBLISHes the
// revision id on c4:revisions (also when nothing changed). With input.previous, see there.
// Keys outside c4:* are never read or touched; never FLUSHDB. Not atomic as a whole: a reader
// may see some keys of the new revision and some of the old until c4:revision changes.
// Errors: unavailable when Redis is unreachable or fails mid-way (the caller retries later;
// keys already written stay, the next run finishes the job); internal when Redis rejects a
// command. Thread-safety: uses `redis` exclusively for the duration of the call.
Result<ProjectionStats> project_to_redis(RedisClient& redis, const ProjectionInput& input);

}  // namespace c4
