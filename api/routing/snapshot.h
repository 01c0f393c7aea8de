// The routing snapshot: one applied revision compiled for answering calls from memory.
//
// A Snapshot is immutable once built: every request reads it without locks, from any number of
// threads, and a new revision builds a new Snapshot on another thread and swaps a
// std::shared_ptr<const Snapshot> (the owner does the swap; this module never does).
//
// What it holds, besides the objects themselves (it owns the Catalog it was compiled from):
//   - exact DID numbers in an open-addressing hash table (E.164 digits as a uint64 key),
//     DID ranges as sorted integer intervals, DID prefixes in a hash table probed from the
//     longest prefix down, DID regexes as compiled RE2 programs;
//   - routing-rule prefixes per routing group in a hash table, probed the same way;
//   - per-source-address tables (IPv4 and IPv6, longest CIDR match) for IPBXs and trunks;
//   - SIP domain → IPBX;
//   - next-hop secrets (`passwordFrom` env/file) resolved at build time under the operator's
//     SecretPolicy (model/secret_policy.h), even though validation checked them already: rows
//     read back from PostgreSQL may predate the policy or have been edited by hand. A secret
//     that is refused or cannot be resolved is never read, and one that holds a control
//     character (CR, LF, NUL…: it would cut a uacreg row or a header) is not used; either is
//     listed in warnings() and the snapshot is still built (that trunk or IPBX then has no
//     credentials to offer).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/catalog.h"
#include "model/secret_policy.h"

#include <pqxx/connection>

namespace c4::routing {

// Database ids of the objects, which Kamailio keeps in dialog state (carrier_trunk_id,
// ipbx_id) and CDRs carry. Keyed like the reconciler keys objects.
using ObjectIds = std::map<ObjectKey, int64_t>;

// Ids for a catalog that has no database: for each kind, objects in catalog order (files
// sorted by path, documents in file order) get 1, 2, 3 … Ids already in `known` are kept and
// new objects are numbered after the largest known id of their kind. Deterministic: the same
// manifests always get the same ids.
ObjectIds assign_ids(const Catalog& catalog, const ObjectIds& known = {});

struct SnapshotOptions {
  // Which references may be read (the default policy: C4_SECRET_* variables, no file).
  SecretPolicy secrets;
  // Resolves a secret reference to its text; when unset, secrets.read() (the process
  // environment, or the file, as the policy allows). Called only while the snapshot is built.
  std::function<Result<std::string>(const SecretRef&)> resolve_secret;
};

class SnapshotData;  // the compiled tables (api/routing/snapshot_data.h), internal

class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // The revision this snapshot was compiled from (the revisions table id, or what the caller
  // of compile_snapshot passed: a commit id, "dir:…").
  const std::string& revision() const;
  // When compile finished.
  std::chrono::system_clock::time_point built_at() const;
  // Problems that did not stop the build: secrets that could not be resolved, with the
  // object and the reason ("acme/orange-paris: registration password: environment variable
  // C4_SECRET_ORANGE_PARIS_PASSWORD is not set").
  const std::vector<std::string>& warnings() const;
  const Catalog& catalog() const;
  // Counts for status pages and logs: numbers, ranges, prefixes, regexes, rules, rule prefixes.
  std::map<std::string, size_t> counts() const;

  // Internal tables, for the engine.
  const SnapshotData& data() const { return *data_; }

 private:
  friend Result<std::shared_ptr<const Snapshot>> compile_snapshot(Catalog, ObjectIds, std::string,
                                                                  const SnapshotOptions&);
  explicit Snapshot(std::unique_ptr<SnapshotData> data);
  std::unique_ptr<SnapshotData> data_;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

// Compiles `catalog` (a validated revision: references resolve, regexes compile) with the
// database `ids` of its objects (objects missing from `ids` are numbered by assign_ids) and
// the revision id. Fails with Status::invalid when the catalog breaks an invariant that
// validation guarantees (a dangling reference, a regex RE2 rejects), naming the object.
// Thread-safe (builds are independent). About 0.1 s for a million numbers and 100,000 rule
// prefixes (docs/routing.md, "Measured").
Result<SnapshotPtr> compile_snapshot(Catalog catalog, ObjectIds ids, std::string revision,
                                     const SnapshotOptions& options = {});

// The snapshot load_snapshot would build for revision `revision_id`, compiled from the catalog
// the reconciler validated and committed as that revision, with the database `ids` its apply
// returned, without reading PostgreSQL back (`c4confd all` hands each applied revision to its
// API this way). To be the same snapshot, the copy it compiles is in the database's order
// (kind, tenant, name: the order load_snapshot reads rows in, which decides ties such as the
// first IPBX of a domain) and carries no source positions (rows have none, so explain shows no
// file:line either way). REQUIRES: `applied` validated without errors. Copies the catalog
// (tens of milliseconds at a million numbers); `applied` is not modified. Thread-safe.
Result<SnapshotPtr> compile_applied_snapshot(const Catalog& applied, ObjectIds ids, int64_t revision_id,
                                             const SnapshotOptions& options = {});

// Clears where each object was declared (file, line, column of metadata and spec): what a
// catalog read from rows looks like.
void forget_source_positions(Catalog& catalog);

// Reads the live revision from PostgreSQL (the configuration tables' spec columns and ids,
// decoded with model/decode.h, so there is one decoder) and compiles it. The revision is the
// live revision id of reconciler_status as text ("" when nothing was applied yet). Runs in one
// repeatable-read transaction, so it never mixes two revisions. Status::unavailable when the
// database cannot be read.
Result<SnapshotPtr> load_snapshot(pqxx::connection& conn, const SnapshotOptions& options = {});

}  // namespace c4::routing
