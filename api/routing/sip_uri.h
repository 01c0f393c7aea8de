// The parts of a SIP URI that routing needs: "sip:+33140000000@example.com:5060;user=phone"
// → user "+33140000000", host "example.com", port 5060. Accepts sip:, sips: and tel: (a tel
// URI has no host); angle brackets and a display name around the URI are ignored. User
// parameters (";phone-context=+33", ";isub=…") and the password are not part of the user, and
// a user that is a telephone number is read as RFC 3966 does (phone_user.h): "+33 1 40-00"
// and "+33%201%2040-00" give "+3314000".
//
// The parts kept are the only text of a caller's URI that reaches the answer (From, To, the
// Request-URI, P-Asserted-Identity), so a URI is refused unless they are plain RFC 3261 (the
// user checked after the RFC 3966 reading): the user only of `user` characters (unreserved,
// user-unreserved and %HH escapes), the host only of letters, digits, '.', '-' and '_' (an
// IPv6 host only of hex digits, ':' and '.'). No control character, quote, space, '<', '>' or
// '@' can get through.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace c4::routing {

struct SipUri {
  std::string scheme;  // "sip", "sips", "tel"
  std::string user;    // may be empty ("sip:example.com"); a number without visual separators
  std::string host;    // lower-cased; IPv6 without brackets
  int port = 0;        // 0 = not given
};

// nullopt when `text` is not a sip:, sips: or tel: URI with a host (tel: excepted), or when
// its user or host holds a character outside the sets above.
std::optional<SipUri> parse_sip_uri(std::string_view text);

// True when `user` is a non-empty RFC 3261 `user`: unreserved / user-unreserved / %HH.
bool is_sip_user(std::string_view user);

// "sip:user@host", or "sip:host" when `user` is empty. `host` as host_port() gives it.
std::string sip_uri(std::string_view user, std::string_view host);

// "host:port" for a URI, with IPv6 hosts in brackets.
std::string host_port(const std::string& host, int port);

}  // namespace c4::routing
