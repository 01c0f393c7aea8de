// The vocabulary shared by every HTTP handler of the API: what a handler returns, how an error
// looks on the wire, and which tenants a caller may see.
//
// Handlers are plain functions from parsed input to an HttpReply, so they are tested without a
// socket and mounted on the server (api/server/) in one place. Every error body has the one
// shape of DESIGN.md, "API rules": {"error": {"code", "message", "details"}}.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace c4::api {

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;  // empty for 204
  // More response headers (the dashboard's Content-Security-Policy, ETag…); the server adds
  // its own (Content-Length, Allow, WWW-Authenticate) after these.
  std::vector<std::pair<std::string, std::string>> headers = {};
};

// A JSON body with `status`.
HttpReply json_reply(int status, const nlohmann::json& body);

// {"error": {"code": code, "message": message, "details": details}}; details defaults to {}.
// `code` is one of the vocabulary of api/error_vocabulary.h ("invalid_input", "not_found",
// "unauthorized"…); `message` is a sentence for people that names the field or the thing at fault.
HttpReply error_reply(int status, std::string_view code, std::string_view message,
                      nlohmann::json details = nlohmann::json::object());

// Which tenants a request may read. Built by the access layer from the bearer token (or the
// trusted network a Kamailio router calls from); handlers only ask `allows`.
struct TenantScope {
  bool all = false;                       // admin token, trusted Kamailio network
  std::vector<std::string> tenant_uuids;  // lower-case canonical UUIDs, when not `all`

  static TenantScope everything() { return TenantScope{true, {}}; }
  bool allows(std::string_view tenant_uuid) const;
};

// What a handler sees of a request, once the server has parsed it and the access layer has
// decided who is asking. Handlers never see httplib types, so they are tested without a socket.
struct ApiRequest {
  std::string method;                               // "GET", "POST", …
  std::string path;                                 // "/1.0/cdrs"
  std::multimap<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> path_params;   // e.g. {"id": "42"} for /1.0/trunks/{id}
  std::string body;
  std::string remote_addr;                          // peer IP address as text
  TenantScope scope;                                // what the caller may read
  // The value of request header `name` (case-insensitive), "" when absent. Valid only during
  // the handler call; null in requests built by tests without a server.
  std::function<std::string(std::string_view)> header;

  // The first value of query parameter `name`, or nullptr.
  const std::string* query_value(std::string_view name) const;
};

}  // namespace c4::api
