#include "api/server/http_wire.h"

#include <charconv>

#include <boost/beast/http/status.hpp>

namespace c4::api {
namespace {

void append_number(std::string& out, size_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

bool has_no_body(int status) { return status < 200 || status == 204 || status == 304; }

}  // namespace

void append_response(std::string& out, const HttpReply& reply, const HeaderList& extra, ResponseFraming framing) {
  namespace http = boost::beast::http;
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<size_t>(reply.status));
  out.push_back(' ');
  auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(reply.status)));
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  bool bodyless = has_no_body(reply.status);
  if (!bodyless) {
    if (!reply.content_type.empty()) append_header(out, "Content-Type", reply.content_type);
    out.append("Content-Length: ");
    append_number(out, reply.body.size());
    out.append("\r\n");
  }
  if (!framing.keep_alive) append_header(out, "Connection", "close");
  else if (framing.http10) append_header(out, "Connection", "keep-alive");
  for (const auto& [name, value] : reply.headers) append_header(out, name, value);
  for (const auto& [name, value] : extra) append_header(out, name, value);
  out.append("\r\n");
  if (!bodyless && !framing.head) out.append(reply.body);
}

}  // namespace c4::api
