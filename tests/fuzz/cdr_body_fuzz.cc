// Fuzzes the body Kamailio posts to /1.0/kamailio/cdr (api/cdr/cdr_body.h). Properties, besides
// no crash and no sanitizer report:
//   - a refusal names its field and its message starts with that field; its 400 is JSON;
//   - an accepted record keeps the header's promises (canonical lower-case UUID, non-empty
//     call_id, no NUL in any text, a canonical address, port 0-65535, duration >= 0, call start
//     within 1970-9999), its JSON form dumps, and its call start survives format_iso8601 →
//     parse_time_text unchanged.
#include <arpa/inet.h>

#include "api/cdr/cdr_body.h"
#include "api/cdr/cdr_time.h"
#include "common/text.h"
#include "common/uuid.h"
#include "fuzz_check.h"

namespace c4::fuzz {
namespace {

using cdr::CdrRecord;

bool has_nul(const std::optional<std::string>& s) { return s && s->find('\0') != std::string::npos; }

bool canonical_address(const std::string& text) {
  unsigned char addr[16];
  char out[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6})
    if (inet_pton(family, text.c_str(), addr) == 1) return text == inet_ntop(family, addr, out, sizeof out);
  return false;
}

void check_record(const CdrRecord& r) {
  FUZZ_CHECK(is_uuid(r.tenant_uuid) && r.tenant_uuid == ascii_lower(r.tenant_uuid), "tenant_uuid not canonical: " + r.tenant_uuid);
  FUZZ_CHECK(!r.call_id.empty(), "empty call_id accepted");
  FUZZ_CHECK(!has_nul(r.call_id) && !has_nul(r.from_uri) && !has_nul(r.to_uri), "a text with NUL accepted");
  FUZZ_CHECK(!r.source_ip || canonical_address(*r.source_ip), "source_ip not a canonical address: " + r.source_ip.value_or(""));
  FUZZ_CHECK(!r.source_port || (*r.source_port >= 0 && *r.source_port <= 65535), "source_port out of range");
  FUZZ_CHECK(!r.carrier_trunk_id || *r.carrier_trunk_id >= 0, "negative carrier_trunk_id");
  FUZZ_CHECK(!r.ipbx_id || *r.ipbx_id >= 0, "negative ipbx_id");
  FUZZ_CHECK(!r.duration || *r.duration >= 0, "negative duration");
  if (r.call_start_us) {  // absent: a call that never started
    int64_t start = *r.call_start_us;
    FUZZ_CHECK(start >= 0 && start <= cdr::kMaxTimeMicros, "call_start out of 1970-9999");
    std::string iso = cdr::format_iso8601(start), why;
    auto back = cdr::parse_time_text(iso, why);
    FUZZ_CHECK(back && *back == start, "format_iso8601 does not read back: " + iso + " " + why);
    std::string month = cdr::month_of(start);
    FUZZ_CHECK(month.size() == 10 && month.ends_with("-01") && iso.starts_with(month.substr(0, 8)),
               "month_of " + month + " is not the month of " + iso);
  }
  (void)cdr::cdr_json(cdr::StoredCdr{1, r}).dump();  // throws on text that is not UTF-8
}

}  // namespace
}  // namespace c4::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c4;
  auto parsed = cdr::parse_cdr_body(fuzz::text_of(data, size));
  if (auto* error = std::get_if<cdr::FieldError>(&parsed)) {
    FUZZ_CHECK(!error->field.empty(), "a refusal without a field: " + error->message);
    FUZZ_CHECK(error->message.starts_with(error->field + ": "), "a refusal that does not start with its field: " + error->message);
    auto reply = cdr::field_error_reply(*error, "body");
    FUZZ_CHECK(reply.status == 400 && nlohmann::json::accept(reply.body), "the refusal is not a JSON 400");
    return 0;
  }
  fuzz::check_record(std::get<cdr::CdrRecord>(parsed));
  return 0;
}
