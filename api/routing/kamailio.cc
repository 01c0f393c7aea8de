#include "api/routing/kamailio.h"

#include <charconv>

#include "api/routing/reply_writer.h"
#include "api/routing/request_reader.h"
#include "api/routing/snapshot_data.h"
#include "common/json_depth.h"
#include "api/error_vocabulary.h"

namespace c4::routing {
namespace {

using nlohmann::json;

std::string type_of(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_float: return "a number with a fraction";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "a number";
    default: return "null";
  }
}

Status wrong(const std::string& field, const std::string& expected, const std::string& got) {
  return Status::invalid(field + ": expected " + expected + ", got " + got);
}

// A string field; null and absent leave `out` unchanged.
Status text_field(const json& body, const char* field, std::string& out, bool required = false) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    if (required) return Status::invalid(std::string(field) + ": required");
    return Status::ok();
  }
  if (!it->is_string()) return wrong(field, "a string", type_of(*it));
  out = it->get<std::string>();
  if (required && out.empty()) return Status::invalid(std::string(field) + ": must not be empty");
  return check_request_text(field, out);
}

Status auth_field(const json& body, bool& out) {
  auto it = body.find("auth");
  if (it == body.end() || it->is_null()) return Status::ok();
  if (it->is_boolean()) {
    out = it->get<bool>();
    return Status::ok();
  }
  std::optional<bool> v;
  if (it->is_number_integer() || it->is_number_unsigned()) v = auth_from_integer(it->get<int64_t>());
  else if (it->is_string()) v = auth_from_text(it->get_ref<const std::string&>());
  else return wrong("auth", "a boolean or \"1\"/\"0\"", type_of(*it));
  if (!v) return wrong("auth", "true, false, \"1\", \"0\", \"true\" or \"false\"", it->dump());
  out = *v;
  return Status::ok();
}

Status port_field(const json& body, int& out) {
  auto it = body.find("source_port");
  if (it == body.end() || it->is_null()) return Status::ok();
  std::optional<int> port;
  int64_t v = -1;
  if (it->is_number_integer() || it->is_number_unsigned()) {
    v = it->get<int64_t>();
    port = port_from_integer(v);
  } else if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    port = port_from_text(s);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!port && (ec != std::errc() || p != s.data() + s.size()))
      return wrong("source_port", "an integer or a numeric string", "\"" + s + "\"");
  } else {
    return wrong("source_port", "an integer or a numeric string", type_of(*it));
  }
  if (!port) return Status::invalid("source_port: " + std::to_string(v) + " is not a port (0-65535)");
  out = *port;
  return Status::ok();
}

std::string field_of(const Status& s) {
  const auto& m = s.message();
  auto colon = m.find(':');
  return colon == std::string::npos ? "" : m.substr(0, colon);
}

// A value of a dbtext row as Kamailio's db_text writes one (dbt_print_table): ':' (the
// column separator) and '\' escaped with '\', and the characters that would end or cut the
// row as \n, \r, \t and \0, which db_text reads back. The snapshot refuses secrets with
// control characters and the schemas refuse them in usernames and realms; this keeps any
// that slipped through from splitting a row in two.
std::string escape_dbtext(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case ':': out.append("\\:"); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\0': out.append("\\0"); break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<CallRequest> parse_call_request(const json& body, RequestKind kind) {
  if (!body.is_object()) return Status::invalid("body: expected a JSON object, got " + type_of(body));
  CallRequest r;
  bool required = kind == RequestKind::routing;
  for (auto [field, target, need] :
       {std::tuple<const char*, std::string*, bool>{"from_uri", &r.from_uri, required},
        {"to_uri", &r.to_uri, required}, {"source_ip", &r.source_ip, false}, {"domain", &r.domain, false},
        {"username", &r.username, false}, {"call_id", &r.call_id, false}, {"from_tag", &r.from_tag, false},
        {"to_tag", &r.to_tag, false}, {"from_name", &r.from_name, false}, {"to_name", &r.to_name, false}})
    if (auto s = text_field(body, field, *target, need); !s) return s;
  if (auto s = port_field(body, r.source_port); !s) return s;
  if (auto s = auth_field(body, r.want_auth); !s) return s;
  if (auto it = body.find("password"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return wrong("password", "a string", type_of(*it));
    r.password = it->get<std::string>();
  }
  return r;
}

Result<CallRequest> parse_call_request(std::string_view body, RequestKind kind) {
  if (auto fast = read_call_request_fast(body, kind)) return std::move(*fast);
  if (std::string deep = json_depth_error(body); !deep.empty()) return Status::invalid(deep);
  json parsed;
  try {
    parsed = json::parse(body);
  } catch (const json::parse_error& e) {
    return Status::invalid(std::string("body: not valid JSON (") + e.what() + ")");
  }
  return parse_call_request(parsed, kind);
}

api::HttpReply bad_request_reply(const Status& status) {
  std::string field = field_of(status);
  return api::invalid_input_reply("body", field, status.message());
}

api::HttpReply routing_reply(const Snapshot& snapshot, std::string_view body, const RouteEnv& env,
                             RouteDecision* decided) {
  auto request = parse_call_request(body, RequestKind::routing);
  if (!request) return bad_request_reply(request.status());
  RouteDecision decision = route(snapshot, *request, env);
  api::HttpReply reply;
  if (!write_routing_reply(snapshot, decision, request->want_auth, reply.body)) {
    // A string that is not UTF-8: nlohmann's dump replaces the bad bytes.
    json out = {{"auth", request->want_auth ? auth_json(snapshot, decision.caller) : json(nullptr)},
                {"rtjson", rtjson(snapshot, decision)}};
    reply = api::json_reply(200, out);
  }
  if (decided) *decided = std::move(decision);
  return reply;
}

api::HttpReply auth_reply(const Snapshot& snapshot, std::string_view body, CallerMatching matching) {
  auto request = parse_call_request(body, RequestKind::auth);
  if (!request) return bad_request_reply(request.status());
  return api::json_reply(200, auth_json(snapshot, identify_caller(snapshot, *request, matching)));
}

std::string uacreg_content(const Snapshot& snapshot) {
  const SnapshotData& d = snapshot.data();
  std::string out =
      "id(int) l_uuid(string) l_username(string) l_domain(string) r_username(string) r_domain(string) "
      "realm(string) auth_username(string) auth_password(string) auth_proxy(string) expires(int) flags(int) "
      "reg_delay(int) socket(string)\n";
  std::vector<const TrunkEntry*> trunks;
  for (const auto& t : d.trunks)
    if (t.src->registration && t.src->registration->registered && t.registration_password) trunks.push_back(&t);
  std::sort(trunks.begin(), trunks.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  size_t row = 0;
  for (const TrunkEntry* t : trunks) {
    const Registration& reg = *t->src->registration;
    const std::string& domain = reg.from_domain.empty() ? t->src->sip_proxy : reg.from_domain;
    const std::string proxy = reg.registrar_proxy.empty() ? t->src->sip_proxy : reg.registrar_proxy;
    std::vector<std::string> fields = {std::to_string(++row), std::to_string(t->id), reg.username, domain,
                                       reg.username, domain, reg.realm, reg.username, *t->registration_password,
                                       "sip:" + proxy, std::to_string(reg.expire_seconds), "16", "0", ""};
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? ":" : "") + escape_dbtext(fields[i]);
    out += "\n";
  }
  return out;
}

api::HttpReply uacreg_reply(const Snapshot& snapshot) {
  return api::json_reply(200, {{"content", uacreg_content(snapshot)}});
}

}  // namespace c4::routing
