// The parts of a SIP URI that routing needs: "sip:+33140000000@example.com:5060;user=phone"
// → user "+33140000000", host "example.com", port 5060. Accepts sip:, sips: and tel: (a tel
// URI has no host); angle brackets and a display name around the URI are ignored. User
// parameters (";phone-context=+33", ";isub=…") and the password are not part of the user, and
// a user that is a telephone number is read as RFC 3966 does (phone_user.h): "+33 1 40-00"
// and "+33%201%2040-00" give "+3314000".
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

// nullopt when `text` is not a sip:, sips: or tel: URI with a host (tel: excepted).
std::optional<SipUri> parse_sip_uri(std::string_view text);

// "host:port" for a URI, with IPv6 hosts in brackets.
std::string host_port(const std::string& host, int port);

}  // namespace c4::routing
