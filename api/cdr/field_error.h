// A rejected input field or query parameter: the 400 every CDR endpoint answers for bad input.
#pragma once

#include <string>

#include "api/http_reply.h"

namespace c4::cdr {

struct FieldError {
  std::string field;    // the JSON field or query parameter at fault, e.g. "duration"
  std::string message;  // a sentence that names it, e.g. "duration: must be >= 0, got -3"
};

// 400 {"error": {"code": "invalid_field", "message": …, "details": {"field": …}}}.
inline api::HttpReply field_error_reply(const FieldError& e) {
  return api::error_reply(400, "invalid_field", e.message, {{"field", e.field}});
}

}  // namespace c4::cdr
