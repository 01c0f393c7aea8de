// The canonical content of an object and its hash.
//
// Two objects are the same configuration exactly when their canonical contents are equal: the
// labels and the spec as JSON with sorted keys, and for a DID its numbers, ranges and prefixes
// as sorted E.164 text (so reordering a list in Git is not a change). The reconciler computes
// the same hash from a database row, which is how plans and drift checks compare the two.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/objects.h"

namespace c4 {

// A DID's claims as canonical text: "+33140000000", "+33140000000..+33140000999", "+3314".
struct DidLists {
  std::vector<std::string> numbers, ranges, prefixes;  // each sorted
  void sort();
};

DidLists did_lists(const DID& did);

// Hash of labels + spec (+ lists for DIDs). `spec` must not contain the DID lists.
std::string object_hash(const nlohmann::json& labels, const nlohmann::json& spec, const DidLists* lists);

nlohmann::json labels_json(const Meta& meta);

// The whole spec of a DID, lists included (as the canonical sorted text).
nlohmann::json full_did_spec(const nlohmann::json& spec, const DidLists& lists);

}  // namespace c4
