#include "api/http_reply.h"

#include <algorithm>

#include "api/error_vocabulary.h"

namespace c4::api {

HttpReply json_reply(int status, const nlohmann::json& body) {
  return HttpReply{status, "application/json", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

HttpReply error_reply(int status, std::string_view code, std::string_view message, nlohmann::json details) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}, {"details", std::move(details)}}}};
  return json_reply(status, body);
}

HttpReply invalid_input_reply(std::string_view in, std::string_view field, std::string_view message) {
  return error_reply(400, error_codes::invalid_input, message, {{"field", field}, {"in", in}});
}

HttpReply conflict_reply(std::string_view reason, std::string_view message) {
  return error_reply(409, error_codes::conflict, message, {{"reason", reason}});
}

HttpReply unavailable_reply(std::string_view service, std::string_view message) {
  return error_reply(503, error_codes::unavailable, message, {{"retryable", true}, {"service", service}});
}

bool TenantScope::allows(std::string_view tenant_uuid) const {
  if (all) return true;
  return std::find(tenant_uuids.begin(), tenant_uuids.end(), tenant_uuid) != tenant_uuids.end();
}

const std::string* ApiRequest::query_value(std::string_view name) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? nullptr : &it->second;
}

}  // namespace c4::api
