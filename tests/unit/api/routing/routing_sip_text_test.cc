// What a caller sends cannot become a SIP header (api/routing/sip_text.h, sip_uri.h,
// common/text.h): display names become one quoted-string or nothing, URIs whose user or host
// holds a byte no header may carry are refused.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "api/routing/sip_text.h"
#include "api/routing/sip_uri.h"
#include "common/text.h"

namespace c4::routing {
namespace {

// Every control character: C0 but HTAB, and DEL (the bytes sip_display_name refuses).
std::vector<char> control_chars() {
  std::vector<char> out;
  for (int c = 0; c < 0x20; ++c)
    if (c != '\t') out.push_back(static_cast<char>(c));
  out.push_back('\x7f');
  return out;
}

// True when `s` is one RFC 3261 quoted-string: quotes around qdtext and quoted-pairs, nothing
// below 0x20 but HTAB, no DEL.
bool is_quoted_string(const std::string& s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (is_control_char(s[i]) && s[i] != '\t') return false;
    if (s[i] == '"') return false;
    if (s[i] == '\\' && ++i + 1 >= s.size()) return false;  // a quoted-pair needs its character
  }
  return true;
}

}  // namespace

TEST_CASE("a display name becomes one quoted-string with quotes and backslashes escaped") {
  CHECK(sip_display_name("Alice").quoted == "\"Alice\"");
  CHECK(sip_display_name("Alice \"Al\" Martin").quoted == "\"Alice \\\"Al\\\" Martin\"");
  CHECK(sip_display_name("back\\slash").quoted == "\"back\\\\slash\"");
  CHECK(sip_display_name("  padded\t").quoted == "\"padded\"");
  CHECK(sip_display_name("Zoë 日本語 🎉").quoted == "\"Zoë 日本語 🎉\"");
  CHECK(sip_display_name("tab\there").quoted == "\"tab\there\"");  // HTAB is LWS, allowed in qdtext
  CHECK(sip_display_name("</script> <sip:evil@x>, \"").quoted == "\"</script> <sip:evil@x>, \\\"\"");
  for (const char* name : {"Alice", "a\"b", "\\", "\"", "\"\"\"", "x\\\"y", "<sip:1@x>;tag=1"}) {
    CAPTURE(name);
    DisplayName d = sip_display_name(name);
    CHECK(d.dropped.empty());
    CHECK(is_quoted_string(d.quoted));
  }
  CHECK(sip_quoted_string("") == "\"\"");
}

TEST_CASE("a display name that arrives quoted is unquoted first and never quoted twice") {
  CHECK(sip_display_name("\"Caller\"").quoted == "\"Caller\"");
  CHECK(sip_display_name(" \"Caller\" ").quoted == "\"Caller\"");
  // Kamailio's $fn keeps the quoted-pairs: they are unescaped, then escaped once again.
  CHECK(sip_display_name("\"Alice \\\"Al\\\" Martin\"").quoted == "\"Alice \\\"Al\\\" Martin\"");
  CHECK(sip_display_name("\"back\\\\slash\"").quoted == "\"back\\\\slash\"");
  // Not one quoted-string: taken as text and quoted whole.
  CHECK(sip_display_name("\"A\" \"B\"").quoted == "\"\\\"A\\\" \\\"B\\\"\"");
  CHECK(sip_display_name("\"open").quoted == "\"\\\"open\"");
  CHECK(sip_display_name("\"trailing\\\"").quoted == "\"\\\"trailing\\\\\\\"\"");
  // Quoting is idempotent: what it gives, given again, comes back the same.
  for (const char* name : {"Caller", "a \"b\" c", "\\\\", "\"\"x"}) {
    std::string once = sip_display_name(name).quoted;
    CHECK(sip_display_name(once).quoted == once);
  }
}

TEST_CASE("the literal <null> and an empty name and blanks mean no name") {
  for (const char* raw : {"", "<null>", " <null> ", "   ", "\t", "\"\"", " \"\" "}) {
    CAPTURE(raw);
    DisplayName d = sip_display_name(raw);
    CHECK(d.quoted.empty());
    CHECK(d.dropped.empty());
  }
  // A quoted "<null>" is what a caller chose to show: a name.
  CHECK(sip_display_name("\"<null>\"").quoted == "\"<null>\"");
}

TEST_CASE("a display name holding CR or LF or NUL or DEL or another control character is dropped with the reason") {
  for (char c : control_chars()) {
    std::string bad(1, c);
    for (const std::string& raw : {"Alice" + bad + "P-Asserted-Identity: <sip:911@x>", bad, "\"Al" + bad + "ice\"",
                                   "\"Al\\" + bad + "ice\"" /* a quoted-pair cannot smuggle it either */}) {
      CAPTURE(static_cast<int>(static_cast<unsigned char>(c)));
      DisplayName d = sip_display_name(raw);
      CHECK(d.quoted.empty());
      CHECK(d.dropped.find("control character") != std::string::npos);
    }
  }
  DisplayName crlf = sip_display_name("Bob\r\nX-Injected: 1");
  CHECK(crlf.dropped.find("0x0D at byte 3") != std::string::npos);
  DisplayName nul = sip_display_name(std::string("Bob\0evil", 8));
  CHECK(nul.dropped.find("0x00 at byte 3") != std::string::npos);
}

TEST_CASE("control characters are found and named by byte") {
  CHECK(find_control_char("plain text") == std::string_view::npos);
  CHECK(find_control_char("a\tb") == 1);
  CHECK(find_control_char("a\tb", true) == std::string_view::npos);
  CHECK(find_control_char(std::string_view("ab\0", 3)) == 2);
  CHECK(find_control_char("é\x7f") == 2);
  CHECK(find_control_char("日本") == std::string_view::npos);  // UTF-8 bytes are not controls
  CHECK(describe_control_char("ab\r\n", 2) == "control character 0x0D at byte 2");
}

TEST_CASE("a SIP URI is refused when its user or host holds a character a header cannot carry") {
  std::vector<std::string> hostile = {"\r", "\n", "\r\n", std::string(1, '\0'), "\x7f", "\x01", " ", "\"",
                                      "<", ">", "\\", "\t", "[", "]", "{", "`", "^", "|"};
  for (const auto& h : hostile) {
    CAPTURE(h);
    CHECK_FALSE(parse_sip_uri("sip:0612345678@carrier" + h + ".example"));
    if (h == " ") {  // in a number, a space is an RFC 3966 visual separator: read, then dropped
      CHECK(parse_sip_uri("sip:0612" + h + "345678@carrier.example")->user == "0612345678");
      CHECK(parse_sip_uri("tel:+3361" + h + "2345678")->user == "+33612345678");
      continue;
    }
    CHECK_FALSE(parse_sip_uri("sip:0612" + h + "345678@carrier.example"));
    CHECK_FALSE(parse_sip_uri("tel:+3361" + h + "2345678"));
  }
  CHECK_FALSE(parse_sip_uri("sip:alice smith@carrier.example"));  // a space in a name is not a separator
  CHECK_FALSE(parse_sip_uri("sip:a@b@carrier.example"));       // '@' in the user
  CHECK_FALSE(parse_sip_uri("sip:@carrier.example"));          // an empty user before '@'
  CHECK_FALSE(parse_sip_uri("sip:%0@carrier.example"));        // a cut %HH escape
  CHECK_FALSE(parse_sip_uri("sip:1@[2001:db8::1\r\nX: y]"));   // IPv6 host with junk
  // What RFC 3261 allows still parses.
  auto escaped = parse_sip_uri("sip:%41lice-_.!~*'()&=+$,/@carrier_1.example:5060");
  REQUIRE(escaped);
  CHECK(escaped->user == "%41lice-_.!~*'()&=+$,/");
  CHECK(escaped->host == "carrier_1.example");
  CHECK(is_sip_user("+33140000000"));
  CHECK_FALSE(is_sip_user(""));
  CHECK_FALSE(is_sip_user("a b"));
  CHECK(sip_uri("0140000123", "192.0.2.10") == "sip:0140000123@192.0.2.10");
  CHECK(sip_uri("", "pbx.example") == "sip:pbx.example");
}

}  // namespace c4::routing
