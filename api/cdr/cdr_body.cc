#include "api/cdr/cdr_body.h"

#include <arpa/inet.h>

#include <cmath>
#include <limits>

#include "api/cdr/cdr_time.h"
#include "common/json_depth.h"
#include "common/text.h"
#include "common/uuid.h"

namespace c4::cdr {
namespace {

using nlohmann::json;

// Thrown inside this file only, to leave the parse at the first bad field; never escapes.
struct Rejected {
  FieldError error;
};

[[noreturn]] void reject(const std::string& field, const std::string& why) {
  throw Rejected{{field, field + ": " + why}};
}

std::string type_name(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "number";
  return v.type_name();
}

const json* field_of(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A non-negative decimal "12" or "12.5"; nullopt otherwise.
std::optional<double> decimal_text(std::string_view s) {
  bool dot = false, digit = false;
  for (char c : s) {
    if (c == '.' && !dot) dot = true;
    else if (c >= '0' && c <= '9') digit = true;
    else return std::nullopt;
  }
  if (!digit) return std::nullopt;
  return std::strtod(std::string(s).c_str(), nullptr);
}

std::string checked_text(const std::string& field, const json& v) {
  if (!v.is_string()) reject(field, "must be a string, got " + type_name(v));
  const std::string& s = v.get_ref<const std::string&>();
  if (s.find('\0') != std::string::npos) reject(field, "must not contain NUL characters");
  return s;
}

std::optional<std::string> optional_text(const json& body, const char* field) {
  const json* v = field_of(body, field);
  if (!v) return std::nullopt;
  return checked_text(field, *v);
}

// An integer given as a JSON integer or a string of digits, within [low, high].
std::optional<int64_t> optional_integer(const json& body, const char* field, int64_t low, int64_t high) {
  const json* v = field_of(body, field);
  if (!v) return std::nullopt;
  int64_t value = 0;
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(high)) reject(field, "must be at most " + std::to_string(high) + ", got " + v->dump());
    value = static_cast<int64_t>(u);
  } else if (v->is_number_integer()) {
    value = v->get<int64_t>();
  } else if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    if (!all_digits(s) || s.size() > 18) reject(field, "must be an integer or a string of digits, got \"" + s + "\"");
    value = std::stoll(s);
  } else {
    reject(field, "must be an integer, got " + type_name(*v));
  }
  if (value < low || value > high)
    reject(field, "must be between " + std::to_string(low) + " and " + std::to_string(high) + ", got " +
                      std::to_string(value));
  return value;
}

std::string tenant_of(const json& body) {
  const json* by_uuid = field_of(body, "tenant_uuid");
  const json* by_id = field_of(body, "tenant_id");
  if (!by_uuid && !by_id) reject("tenant_uuid", "required (or tenant_id), got nothing");
  std::string uuid, field = by_uuid ? "tenant_uuid" : "tenant_id";
  for (auto [name, v] : {std::pair{"tenant_uuid", by_uuid}, std::pair{"tenant_id", by_id}}) {
    if (!v) continue;
    std::string text = checked_text(name, *v);
    if (!is_uuid(text)) reject(name, "must be a UUID, got \"" + text + "\"");
    text = ascii_lower(text);
    if (!uuid.empty() && text != uuid) reject("tenant_id", "differs from tenant_uuid (" + uuid + ")");
    uuid = text;
  }
  return uuid;
}

std::optional<std::string> source_ip_of(const json& body) {
  auto text = optional_text(body, "source_ip");
  if (!text) return std::nullopt;
  unsigned char addr[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text->c_str(), addr) == 1) return std::string(inet_ntop(AF_INET, addr, out, sizeof out));
  if (inet_pton(AF_INET6, text->c_str(), addr) == 1) return std::string(inet_ntop(AF_INET6, addr, out, sizeof out));
  reject("source_ip", "must be an IPv4 or IPv6 address, got \"" + *text + "\"");
}

// Absent or null: a call that never started (kamailio-contract.md, section 3).
std::optional<int64_t> call_start_of(const json& body) {
  const json* v = field_of(body, "call_start");
  if (!v) return std::nullopt;
  if (v->is_number()) {
    auto micros = epoch_seconds_to_micros(v->get<double>());
    if (!micros) reject("call_start", "epoch seconds out of range (1970 to 9999), got " + v->dump());
    return *micros;
  }
  if (!v->is_string()) reject("call_start", "must be epoch seconds or an ISO-8601 string, got " + type_name(*v));
  std::string why;
  auto micros = parse_time_text(v->get_ref<const std::string&>(), why);
  if (!micros) reject("call_start", why + ", got \"" + v->get<std::string>() + "\"");
  return *micros;
}

std::optional<int32_t> duration_of(const json& body) {
  const json* v = field_of(body, "duration");
  if (!v) return std::nullopt;
  double seconds = 0;
  if (v->is_number()) {
    seconds = v->get<double>();
  } else if (v->is_string()) {
    auto parsed = decimal_text(v->get_ref<const std::string&>());
    if (!parsed) reject("duration", "must be a number of seconds, got \"" + v->get<std::string>() + "\"");
    seconds = *parsed;
  } else {
    reject("duration", "must be a number of seconds, got " + type_name(*v));
  }
  if (!std::isfinite(seconds) || seconds < 0) reject("duration", "must be >= 0, got " + v->dump());
  if (seconds > std::numeric_limits<int32_t>::max()) reject("duration", "too large, got " + v->dump());
  return static_cast<int32_t>(std::lround(seconds));
}

}  // namespace

std::variant<CdrRecord, FieldError> parse_cdr_body(std::string_view body) {
  if (std::string deep = json_depth_error(body); !deep.empty()) return FieldError{"body", deep};
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return FieldError{"body", "body: not valid JSON"};
  if (!doc.is_object()) return FieldError{"body", "body: must be a JSON object, got " + type_name(doc)};
  try {
    CdrRecord r;
    r.tenant_uuid = tenant_of(doc);
    r.carrier_trunk_id = optional_integer(doc, "carrier_trunk_id", 0, std::numeric_limits<int64_t>::max());
    r.ipbx_id = optional_integer(doc, "ipbx_id", 0, std::numeric_limits<int64_t>::max());
    r.source_ip = source_ip_of(doc);
    if (auto port = optional_integer(doc, "source_port", 0, 65535)) r.source_port = static_cast<int32_t>(*port);
    auto call_id = optional_text(doc, "call_id");
    if (!call_id || call_id->empty()) reject("call_id", "required, a non-empty string");
    r.call_id = *call_id;
    r.from_uri = optional_text(doc, "from_uri");
    r.to_uri = optional_text(doc, "to_uri");
    r.call_start_us = call_start_of(doc);
    r.duration = duration_of(doc);
    return r;
  } catch (const Rejected& rejected) {
    return rejected.error;
  }
}

}  // namespace c4::cdr
