// Parsing of the body Kamailio posts to /1.0/kamailio/cdr (kamailio-contract.md, section 3).
//
// Accepted, per field:
//   tenant_uuid | tenant_id   a UUID string (either name; both must agree when both are given)
//   carrier_trunk_id, ipbx_id an integer, a string of digits, or null/absent
//   source_ip                 an IPv4/IPv6 address string, or null/absent (the old service
//                             answered 500 without it: a defect we do not copy)
//   source_port               0..65535 as an integer or a string of digits, or null/absent
//   call_id                   a non-empty string
//   from_uri, to_uri          a string, or null/absent
//   call_start                epoch seconds (integer, float or numeric string) or ISO-8601, or
//                             null/absent (a call that never started: stored as NULL)
//   duration                  seconds >= 0 (integer, float rounded to the second, or numeric
//                             string), or null/absent (stored as NULL)
// `event` and every other field are ignored: Kamailio configs send more than we store.
// Strings must not contain NUL characters (PostgreSQL text cannot hold them): such a CDR is
// refused alone, naming the field. Invalid UTF-8 is not JSON (RFC 8259): the body is refused.
// Any length is accepted (the body limit of the server bounds it): the database indexes the
// head of the long fields and keeps the whole value (migration 0005).
#pragma once

#include <string_view>
#include <variant>

#include "api/cdr/cdr_record.h"
#include "api/cdr/field_error.h"

namespace c4::cdr {

// The record, or the first field at fault (a body that is not a JSON object is field "body").
// Thread-safe (pure).
std::variant<CdrRecord, FieldError> parse_cdr_body(std::string_view body);

}  // namespace c4::cdr
