// A rejected input field or query parameter: the 400 every CDR endpoint answers for bad input.
#pragma once

#include <string>

#include "api/http_reply.h"
#include "api/error_vocabulary.h"

namespace c4::cdr {

struct FieldError {
  std::string field;    // the JSON field or query parameter at fault, e.g. "duration"
  std::string message;  // a sentence that names it, e.g. "duration: must be >= 0, got -3"
};

// 400 {"error": {"code": "invalid_input", "message": …, "details": {"field": …, "in": in}}};
// `in` is "query" for a query parameter, "body" for a field of a JSON body.
inline api::HttpReply field_error_reply(const FieldError& e, std::string_view in) {
  return api::invalid_input_reply(in, e.field, e.message);
}

}  // namespace c4::cdr
