// The fast path of parse_call_request (kamailio.h): reads the flat JSON object Kamailio posts
// straight into a CallRequest, without building an nlohmann tree (which cost about a third of
// routing_reply()).
//
// It handles the bodies routers really send: one object whose values are strings, integers,
// booleans or null, each known field at most once, every known field acceptable. For
// anything else — malformed JSON, a nested or fractional value, a duplicate known field, a
// field that would be refused — it returns nullopt and the caller parses with nlohmann, which
// gives the exact error (and the same answer: tests/unit/api/routing/routing_request_reader_test.cc
// compares the two on valid and invalid bodies). So the reader never refuses a body and never
// accepts one the DOM parser would refuse.
//
// Strings are unescaped (\uXXXX with surrogate pairs to UTF-8) and raw UTF-8 is validated as
// nlohmann's lexer does (RFC 3629); a string it cannot vouch for sends the body to the DOM.
// Thread-safe (no shared state).
#pragma once

#include <optional>
#include <string_view>

#include "api/routing/engine.h"
#include "common/status.h"

namespace c4::routing {

enum class RequestKind;  // kamailio.h

// The request of a body the reader vouches for; nullopt = parse it with nlohmann instead.
std::optional<CallRequest> read_call_request_fast(std::string_view body, RequestKind kind);

// The accept rules shared by both parsers (so the two cannot disagree on a valid value):
// "auth" as text ("1"/"true" → true, "0"/"false"/"" → false) or integer (1/0); nullopt = refused.
std::optional<bool> auth_from_text(std::string_view text);
std::optional<bool> auth_from_integer(int64_t value);
// "source_port" as a decimal string ("" = not given: 0) or an integer in 0–65535; nullopt = refused.
std::optional<int> port_from_text(std::string_view text);
std::optional<int> port_from_integer(int64_t value);
// A text field of the request: the URIs, source_ip, domain, username, call_id and the tags
// must hold no control character (CR, LF, NUL, any byte below 0x20, DEL), or the request is
// refused (Status::invalid "from_uri: control character 0x0D at byte 12: …"). from_name and
// to_name are not refused (sip_text.h drops a bad name instead: a name is no reason to lose a
// call); neither is password, which is only compared, never sent.
Status check_request_text(std::string_view field, std::string_view value);

}  // namespace c4::routing
