#include "api/ui/ui_assets.h"

#include <map>

#include "common/sha.h"

namespace c4 {
const std::map<std::string, std::string>& embedded_ui_assets();  // generated: api/ui/embed_ui.cmake
}

namespace c4::api {
namespace {

constexpr std::string_view kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

struct Asset {
  const std::string* body;
  std::string content_type;
  std::string etag;  // quoted, from the content's SHA-256
};

std::string content_type_of(const std::string& name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// Built once: the hashes are computed at the first request, not per answer.
const std::map<std::string, Asset, std::less<>>& assets() {
  static const auto table = [] {
    std::map<std::string, Asset, std::less<>> out;
    for (const auto& [name, body] : embedded_ui_assets())
      out.emplace(name, Asset{&body, content_type_of(name), "\"" + sha256_hex(body).substr(0, 32) + "\""});
    return out;
  }();
  return table;
}

void add_security_headers(HttpReply& reply) {
  reply.headers.emplace_back("Content-Security-Policy", std::string(kPolicy));
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Referrer-Policy", "no-referrer");
  reply.headers.emplace_back("X-Frame-Options", "DENY");
}

// True when the If-None-Match list names `etag` (or is "*").
bool matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    std::string_view item = if_none_match.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == etag) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::string_view ui_content_security_policy() { return kPolicy; }

HttpReply ui_asset_reply(std::string_view file, std::string_view if_none_match) {
  if (file.empty()) file = "index.html";
  auto it = assets().find(file);
  if (it == assets().end()) {
    HttpReply reply = error_reply(404, "not_found", "no such dashboard file: /ui/" + std::string(file));
    add_security_headers(reply);
    return reply;
  }
  const Asset& asset = it->second;
  HttpReply reply;
  add_security_headers(reply);
  reply.headers.emplace_back("ETag", asset.etag);
  reply.headers.emplace_back("Cache-Control", "no-cache");
  if (matches(if_none_match, asset.etag)) {
    reply.status = 304;
    reply.content_type.clear();
    return reply;
  }
  reply.content_type = asset.content_type;
  reply.body = *asset.body;
  return reply;
}

HttpReply ui_redirect_reply() {
  HttpReply reply = json_reply(308, {{"location", "/ui/"}});
  add_security_headers(reply);
  reply.headers.emplace_back("Location", "/ui/");
  return reply;
}

}  // namespace c4::api
