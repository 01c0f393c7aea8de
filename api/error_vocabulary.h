// The one error vocabulary of every endpoint (REST, CDR, Kamailio, explain, hooks): one code
// per kind of failure, for the one body of http_reply.h's error_reply. docs/api.md "Errors"
// explains each, and the OpenAPI document's `Error` schema lists exactly these (a unit test
// compares them). Programs branch on the code and details; people read the message.
#pragma once

#include <array>
#include <string_view>

#include "api/http_reply.h"

namespace c4::api {

namespace error_codes {
inline constexpr std::string_view invalid_input = "invalid_input";            // 400: details.field, details.in
inline constexpr std::string_view unauthorized = "unauthorized";              // 401
inline constexpr std::string_view forbidden = "forbidden";                    // 403
inline constexpr std::string_view not_found = "not_found";                    // 404
inline constexpr std::string_view method_not_allowed = "method_not_allowed";  // 405: details.allowed
inline constexpr std::string_view conflict = "conflict";                      // 409: details.reason
inline constexpr std::string_view body_too_large = "body_too_large";          // 413: details.limit
inline constexpr std::string_view refused = "refused";                        // 422
inline constexpr std::string_view internal = "internal";                      // 500: a bug of ours
inline constexpr std::string_view unavailable = "unavailable";                // 503: details.retryable, details.service
inline constexpr std::string_view not_ready = "not_ready";                    // 503: snapshots not loaded yet
}  // namespace error_codes

inline constexpr std::array<std::string_view, 11> kErrorCodes = {
    error_codes::invalid_input,  error_codes::unauthorized, error_codes::forbidden,   error_codes::not_found,
    error_codes::method_not_allowed, error_codes::conflict, error_codes::body_too_large, error_codes::refused, error_codes::internal,
    error_codes::unavailable,    error_codes::not_ready};

// 400 invalid_input, details {"field": field, "in": in}. `in` says where the field is: "query",
// "path", "header", "body" (a JSON field, or "body" itself) or "request" (unreadable HTTP).
HttpReply invalid_input_reply(std::string_view in, std::string_view field, std::string_view message);

// 409 conflict, details {"reason": reason}: the request is valid but cannot apply to the present
// state (`reason` is one stable word, e.g. "ambiguous", for programs).
HttpReply conflict_reply(std::string_view reason, std::string_view message);

// 503 unavailable, details {"retryable": true, "service": service}: a service c4confd depends on
// ("database", "wazo-auth", "reconciler") cannot answer now. `message` names the work, never a
// host, port or server message.
HttpReply unavailable_reply(std::string_view service, std::string_view message);

}  // namespace c4::api
