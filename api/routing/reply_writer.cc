#include "api/routing/reply_writer.h"

#include "api/routing/sip_uri.h"
#include "api/routing/snapshot_data.h"
#include "common/utf8.h"

namespace c4::routing {
namespace {

using nlohmann::json;

// json_reply()'s dump: compact, UTF-8 kept, bad bytes replaced (never a throw).
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string transport_param(Transport t) {
  return t == Transport::udp ? "" : ";transport=" + std::string(transport_name(t));
}

// The members of object `j`, dumped, without the braces and with a trailing comma, to be
// spliced into a larger object ("" for an empty object).
std::string members(const json& j) {
  if (j.empty()) return "";
  std::string text = dump(j);
  return text.substr(1, text.size() - 2) + ",";
}

// What rtjson() writes for a route before its "extra" header: the keys that sort before
// "headers" (branch_flags, dst_uri, fr_inv_timer, fr_timer), taken from rtjson() itself.
std::string route_head(const Snapshot& snapshot, Route::Target target, uint32_t index, const std::string& dst_uri) {
  RouteDecision d;
  d.routes.push_back({target, index, dst_uri, "", "", "", "", ""});
  std::string text = dump(rtjson(snapshot, d)["routes"][0]);
  return text.substr(0, text.find("\"headers\":")) + "\"headers\":{\"extra\":";
}

// The credentials rtjson() gives an answer whose first route goes to this target.
std::string credentials(const Snapshot& snapshot, Route::Target target, uint32_t index) {
  RouteDecision d;
  d.routes.push_back({target, index, "", "", "", "", "", ""});
  json rt = rtjson(snapshot, d);
  json creds = json::object();
  for (const char* key : {"auth_password", "auth_username", "realm"})
    if (rt.contains(key)) creds[key] = rt[key];
  return members(creds);
}

}  // namespace

void preformat_answers(const Snapshot& snapshot, SnapshotData& d) {
  d.unknown_caller_auth = dump(auth_json(snapshot, Caller{}));
  for (uint32_t i = 0; i < d.ipbxs.size(); ++i) {
    Preformatted& p = d.ipbxs[i].text;
    const IPBX& x = *d.ipbxs[i].src;
    p.dst_uri = "sip:" + host_port(x.host, x.port) + transport_param(x.transport);
    p.to_host = host_port(x.host, 0);
    p.auth_object = dump(auth_json(snapshot, Caller{Caller::Kind::ipbx, i, "", false}));
    p.route_head = route_head(snapshot, Route::Target::ipbx, i, p.dst_uri);
    p.credentials = credentials(snapshot, Route::Target::ipbx, i);
  }
  for (uint32_t i = 0; i < d.trunks.size(); ++i) {
    Preformatted& p = d.trunks[i].text;
    const CarrierTrunk& t = *d.trunks[i].src;
    p.dst_uri = "sip:" + host_port(t.sip_proxy, t.sip_proxy_port) + transport_param(t.transport);
    p.to_host = host_port(t.sip_proxy, 0);
    p.from_host = t.registration && !t.registration->from_domain.empty() ? t.registration->from_domain : "";
    p.auth_object = dump(auth_json(snapshot, Caller{Caller::Kind::trunk, i, "", false}));
    p.route_head = route_head(snapshot, Route::Target::trunk, i, p.dst_uri);
    p.credentials = credentials(snapshot, Route::Target::trunk, i);
  }
}

bool append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  const auto* run = p;  // bytes copied as they are, flushed at each escape
  auto flush = [&](const unsigned char* upto) { out.append(reinterpret_cast<const char*>(run), upto - run); };
  while (p < end) {
    unsigned char c = *p;
    if (c >= 0x80) {
      size_t n = utf8_sequence_length(p, end);
      if (n == 0) return false;
      p += n;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++p;
      continue;
    }
    flush(p);
    out.push_back('\\');
    switch (c) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\b': out.push_back('b'); break;
      case '\f': out.push_back('f'); break;
      case '\n': out.push_back('n'); break;
      case '\r': out.push_back('r'); break;
      case '\t': out.push_back('t'); break;
      default:
        out.append("u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    run = ++p;
  }
  flush(p);
  out.push_back('"');
  return true;
}

bool write_routing_reply(const Snapshot& snapshot, const RouteDecision& decision, bool want_auth, std::string& out) {
  const SnapshotData& d = snapshot.data();
  auto text_of = [&](Route::Target target, uint32_t index) -> const Preformatted& {
    return target == Route::Target::ipbx ? d.ipbxs[index].text : d.trunks[index].text;
  };
  out.clear();
  out.reserve(512 + 400 * decision.routes.size());
  out.append("{\"auth\":");
  if (!want_auth) out.append("null");
  else if (decision.caller.kind == Caller::Kind::none) out.append(d.unknown_caller_auth);
  else
    out.append(text_of(decision.caller.kind == Caller::Kind::ipbx ? Route::Target::ipbx : Route::Target::trunk,
                       decision.caller.index)
                   .auth_object);
  out.append(",\"rtjson\":");
  if (decision.routes.empty()) {
    out.append("{\"success\":false}}");
    return true;
  }
  out.push_back('{');
  for (const Route& r : decision.routes) {  // the first target that has credentials gives them
    const std::string& creds = text_of(r.target, r.index).credentials;
    if (creds.empty()) continue;
    out.append(creds);
    break;
  }
  out.append("\"routes\":[");
  bool ok = true;
  for (size_t i = 0; i < decision.routes.size(); ++i) {
    const Route& r = decision.routes[i];
    if (i) out.push_back(',');
    out.append(text_of(r.target, r.index).route_head);
    ok &= append_json_string(out, r.pai);
    out.append(",\"from\":{\"display\":");
    ok &= append_json_string(out, r.from_display);
    out.append(",\"uri\":");
    ok &= append_json_string(out, r.from_uri);
    out.append("},\"to\":{\"display\":");
    ok &= append_json_string(out, r.to_display);
    out.append(",\"uri\":");
    ok &= append_json_string(out, r.to_uri);
    out.append("}},\"path\":\"\",\"socket\":\"\",\"uri\":");
    ok &= append_json_string(out, r.uri);
    out.push_back('}');
  }
  out.append("],\"routing\":\"serial\",\"success\":true,\"version\":\"1.0\"}}");
  return ok;
}

}  // namespace c4::routing
