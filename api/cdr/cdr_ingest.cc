#include "api/cdr/cdr_ingest.h"

#include <future>

#include "api/cdr/cdr_body.h"
#include "api/error_vocabulary.h"

namespace c4::cdr {

void cdr_ingest(CdrWriter& writer, const api::ApiRequest& request, std::function<void(api::HttpReply)> reply,
                std::function<void(const StoredCdr&)> on_stored) {
  auto parsed = parse_cdr_body(request.body);
  if (auto* bad = std::get_if<FieldError>(&parsed)) return reply(field_error_reply(*bad, "body"));
  CdrRecord& record = std::get<CdrRecord>(parsed);

  if (!request.scope.allows(record.tenant_uuid))
    return reply(api::error_reply(403, "forbidden", "this caller may not write CDRs of tenant " + record.tenant_uuid,
                                  {{"field", "tenant_uuid"}}));
  auto known = writer.tenant_known(record.tenant_uuid);
  // The reason (logged by the writer) names database hosts and server messages: not for callers.
  if (!known)
    return reply(api::unavailable_reply("database", "CDR not stored: the known tenants cannot be read (database unavailable)"));
  if (!*known) return reply(api::json_reply(200, {{"success", false}, {"cdr", nullptr}}));

  writer.write_async(std::move(record), [reply = std::move(reply), on_stored = std::move(on_stored)](
                                            Result<StoredCdr> stored) {
    if (!stored && stored.status().code() == Status::Code::invalid)
      return reply(api::error_reply(422, "refused", stored.status().message()));
    if (!stored) return reply(api::unavailable_reply("database", stored.status().message()));
    if (on_stored) on_stored(*stored);
    reply(api::json_reply(200, {{"success", true}, {"cdr", cdr_json(*stored)}}));
  });
}

api::HttpReply cdr_ingest_reply(CdrWriter& writer, const api::ApiRequest& request,
                                std::function<void(const StoredCdr&)> on_stored) {
  std::promise<api::HttpReply> answered;
  auto answer = answered.get_future();
  cdr_ingest(writer, request, [&answered](api::HttpReply r) { answered.set_value(std::move(r)); }, std::move(on_stored));
  return answer.get();
}

}  // namespace c4::cdr
