// The routing answer's JSON written straight into one string: what routing_reply() sends,
// without building nlohmann trees for auth_json() and rtjson() and dumping them (which cost
// about half of routing_reply()).
//
// The text is byte for byte what nlohmann's dump() of {"auth": auth_json(…), "rtjson":
// rtjson(…)} gives (keys in sorted order, no spaces, the same escapes), so the two writers
// can only disagree by a bug; tests/unit/api/routing/routing_reply_writer_test.cc compares them on every
// scenario of the examples and on hostile display names. What is the same for every answer
// naming an IPBX or trunk (its auth object, the head of its route, its credentials) is
// formatted once per snapshot by preformat_answers(), with nlohmann itself.
#pragma once

#include <string>
#include <string_view>

#include "api/routing/engine.h"

namespace c4::routing {

class SnapshotData;

// Fills every IpbxEntry/TrunkEntry::text and unknown_caller_auth of `data`, the tables of
// `snapshot`. Called once by compile_snapshot, before the snapshot is shared.
void preformat_answers(const Snapshot& snapshot, SnapshotData& data);

// Appends `text` as a JSON string (quotes included) the way nlohmann's dump() does: the
// escapes \" \\ \b \f \n \r \t, other control characters as \u00xx, UTF-8 as is.
// Returns false when `text` is not valid UTF-8 (`out` then holds a partial string): nlohmann
// would replace the bad bytes, and the caller leaves that to it.
bool append_json_string(std::string& out, std::string_view text);

// The body of routing_reply() for `decision`: {"auth": <auth object> | null, "rtjson": …}.
// REQUIRES: `decision` is route()'s answer on this snapshot (its routes' dst_uri are the
// preformatted ones). Returns false when a per-call string (display name, URI) is not valid UTF-8: the caller
// then dumps auth_json()/rtjson() instead.
bool write_routing_reply(const Snapshot& snapshot, const RouteDecision& decision, bool want_auth, std::string& out);

}  // namespace c4::routing
