#include "api/cdr/cdr_ingest.h"

#include "api/cdr/cdr_body.h"

namespace c4::cdr {

api::HttpReply cdr_ingest_reply(CdrWriter& writer, const api::ApiRequest& request,
                                const std::function<void(const StoredCdr&)>& on_stored) {
  auto parsed = parse_cdr_body(request.body);
  if (auto* bad = std::get_if<FieldError>(&parsed)) return field_error_reply(*bad);
  CdrRecord& record = std::get<CdrRecord>(parsed);

  if (!request.scope.allows(record.tenant_uuid))
    return api::error_reply(403, "forbidden", "this caller may not write CDRs of tenant " + record.tenant_uuid,
                            {{"field", "tenant_uuid"}});
  auto known = writer.tenant_known(record.tenant_uuid);
  if (!known) return api::error_reply(503, "unavailable", "CDR not stored: " + known.status().message());
  if (!*known) return api::json_reply(200, {{"success", false}, {"cdr", nullptr}});

  auto stored = writer.write(std::move(record));
  if (!stored) return api::error_reply(503, "unavailable", stored.status().message());
  if (on_stored) on_stored(*stored);
  return api::json_reply(200, {{"success", true}, {"cdr", cdr_json(*stored)}});
}

}  // namespace c4::cdr
