// What a caller sends, made safe for the SIP headers Kamailio writes from rtjson (RFC 3261
// §25.1). Kamailio's uac module (rtjson_update_branch → uac replace_from/replace_to) inserts
// `display` and `uri` into From and To exactly as given, and rtjson appends `extra` as it is:
// whatever reaches them must already be valid SIP text.
//
//   - A display name is always sent as one quoted-string ("Alice", quotes included), with `"`
//     and `\` escaped as quoted-pairs. A name that arrives quoted (Kamailio's $fn keeps the
//     quotes) is unquoted first, so it is never quoted twice; the literal <null> (a script
//     that copied an absent $fn as a string) and an empty name mean no name.
//   - A name holding a control character (CR, LF, NUL, any other byte below 0x20 but HTAB,
//     or DEL) is dropped as a whole, not cleaned: it is not a name a phone would show, and
//     what is left of an injection attempt is not a name either. The caller's original
//     display name then stays in From (uac keeps it when `display` is empty); explain says
//     why it was dropped.
// Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

namespace c4::routing {

struct DisplayName {
  std::string quoted;   // the quoted-string to send, quotes included; "" = no name
  std::string dropped;  // why the given name was dropped; "" when it was kept or none was given
};

// The display name to send for `raw` (a request's from_name or to_name), per the rules above.
DisplayName sip_display_name(std::string_view raw);

// `text` as an RFC 3261 quoted-string: in double quotes, `"` and `\` escaped with `\`.
// REQUIRES: `text` holds no control character but HTAB (sip_display_name checks).
std::string sip_quoted_string(std::string_view text);

}  // namespace c4::routing
