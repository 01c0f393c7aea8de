// Decoding a schema-valid document into its typed object.
//
// Decoding is where text values become typed ones (E.164 numbers, IP networks, RE2 patterns,
// time windows), so it is also where value-level problems are found: a number that is not
// E.164, a CIDR with host bits, a regex RE2 rejects, a window that can never open. Each is
// reported with its own line; the object is still added so cross-object checks can run.
#pragma once

#include <nlohmann/json.hpp>

#include "model/catalog.h"
#include "model/yaml_source.h"

namespace c4 {

// Adds the object to `out`. When `json` is not valid against the schema of `kind`, decoding
// still reports the value problems it can see and may stop early (returns false); the caller
// must then discard `out`. Returns true when the object was decoded completely.
// In `partial` mode (a document that failed its schema), only values that are present are
// checked: checks about what is missing or how values combine are left to a valid document.
enum class DecodeMode { complete, partial };
bool decode_document(Kind kind, const Document& doc, const nlohmann::json& json, Catalog& out,
                     Problems& problems, DecodeMode mode = DecodeMode::complete);

}  // namespace c4
