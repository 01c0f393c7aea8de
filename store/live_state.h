// Reading what the database holds: object identities and hashes (cheap, for plans) and full
// contents rebuilt from rows (for field diffs and drift checks).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/status.h"
#include "model/catalog.h"

namespace c4 {

struct LiveObject {
  int64_t id = 0;
  std::string hash;  // spec_hash column: the hash of what the reconciler wrote
};

using LiveObjects = std::map<ObjectKey, LiveObject>;

// Every configuration object in the database with its id and stored hash.
Result<LiveObjects> read_live_objects(pqxx::transaction_base& txn);

// The content of live objects as the reconciler would have written it, rebuilt from the
// rows: {"labels": {...}, "spec": {...}} with references taken from the foreign-key columns
// and child tables, and DID lists from their tables. `keys` empty = every object.
using LiveContents = std::map<ObjectKey, nlohmann::json>;
Result<LiveContents> read_live_contents(pqxx::transaction_base& txn, const std::vector<ObjectKey>& keys = {});

// The hash of a content as read_live_contents returns it (equal to Meta::hash when the row
// matches the manifest it was written from).
std::string content_hash(Kind kind, const nlohmann::json& content);

// The same content built from a desired object.
nlohmann::json desired_content(const Catalog& catalog, const ObjectKey& key);

}  // namespace c4
