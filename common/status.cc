#include "common/status.h"

namespace c4 {

std::string Status::to_string() const {
  switch (code_) {
    case Code::ok: return "ok";
    case Code::invalid: return "invalid: " + message_;
    case Code::not_found: return "not found: " + message_;
    case Code::unavailable: return "unavailable: " + message_;
    case Code::internal: return "internal error: " + message_;
  }
  return message_;
}

}  // namespace c4
