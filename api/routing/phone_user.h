// The user part of a SIP or tel URI read as RFC 3966 reads a telephone number, before any
// normalization: "+33 1 40 00 12 34", "+33-1-40-00-12-34", "(040) 123.4567" and the same
// percent-encoded ("+33%201%2040…", as Kamailio's $tu may carry it) are the digits alone.
//
// A user is a telephone number when, once %XX escapes are decoded, it is an optional leading
// '+' followed only by digits, '*', '#' and visual separators ('-', '.', '(', ')' and, as
// deployed equipment writes them, spaces), with at least one digit. Such a user comes back
// with the escapes decoded and the separators removed, so that it routes exactly like the
// same number written without them and no separator reaches a From, To or PAI. Any other user
// ("alice", "alice.smith", a malformed escape, a control byte) comes back unchanged.
//
// URI parameters (";phone-context=…", ";isub=…", ";user=phone") are not part of the user:
// sip_uri.h drops them before this is called.
#pragma once

#include <string>
#include <string_view>

namespace c4::routing {

std::string phone_user(std::string_view user);

}  // namespace c4::routing
