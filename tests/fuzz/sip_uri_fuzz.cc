// Fuzzes the SIP URI parser (api/routing/sip_uri.h), which reads from_uri and to_uri of every
// call. Properties, besides no crash and no sanitizer report:
//   - what it accepts keeps the header's promises: scheme sip/sips/tel, a lower-case host that
//     is empty only for tel:, a port 0-65535 (0 = not given);
//   - the URI inside angle brackets with a display name reads the same as the bare URI;
//   - a URI of plain parts rebuilt from the result ("scheme:user@host_port") reads back the same.
#include <string>

#include "api/routing/sip_uri.h"
#include "fuzz_check.h"

namespace c4::fuzz {
namespace {

using routing::SipUri;

bool same(const SipUri& a, const SipUri& b) {
  return a.scheme == b.scheme && a.user == b.user && a.host == b.host && a.port == b.port;
}

bool plain_text(const std::string& s, bool colons) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '+' || c == '_' || c == '*' || c == '#' || (colons && c == ':');
    if (!ok) return false;
  }
  return true;
}

void check_promises(const SipUri& uri) {
  FUZZ_CHECK(uri.scheme == "sip" || uri.scheme == "sips" || uri.scheme == "tel", "scheme " + uri.scheme);
  FUZZ_CHECK(uri.scheme == "tel" || !uri.host.empty(), "a sip URI without a host");
  for (char c : uri.host) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "host not lower-cased: " + uri.host);
  FUZZ_CHECK(uri.port >= 0 && uri.port <= 65535, "port " + std::to_string(uri.port));
}

void check_rebuilt(const SipUri& uri) {
  if (uri.scheme == "tel" || uri.user.empty() || !plain_text(uri.user, false) || !plain_text(uri.host, true)) return;
  std::string text = uri.scheme + ":" + uri.user + "@" + routing::host_port(uri.host, uri.port);
  auto again = routing::parse_sip_uri(text);
  FUZZ_CHECK(again && same(*again, uri), "the rebuilt URI " + text + " reads differently");
}

}  // namespace
}  // namespace c4::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c4;
  std::string_view text = fuzz::text_of(data, size);
  auto uri = routing::parse_sip_uri(text);
  if (text.find_first_of("<>") == std::string_view::npos) {
    auto bracketed = routing::parse_sip_uri("\"Name\" <" + std::string(text) + ">;tag=x");
    FUZZ_CHECK(bracketed.has_value() == uri.has_value() && (!uri || fuzz::same(*uri, *bracketed)),
               "the URI in angle brackets reads differently");
  }
  if (!uri) return 0;
  fuzz::check_promises(*uri);
  fuzz::check_rebuilt(*uri);
  return 0;
}
