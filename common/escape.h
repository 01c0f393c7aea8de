// Making untrusted text safe to print: a file name or value from a manifest cannot forge a
// line or send a terminal escape through text output, nor make JSON output throw.
#pragma once

#include <string>
#include <string_view>

namespace c4 {

// `s` for one line of text output: control characters (C0, DEL, C1), bidirectional-override
// characters and bytes that are not UTF-8 are written as escapes ("\n", "\t", "\r", "\x1b",
// "\u009b", "\u202e"); other text, valid UTF-8 included, stays as it is. With
// `escape_backslash`, '\' is written "\\" so that the escaped form is unambiguous (for file
// names; messages quoting regexes keep their backslashes).
std::string escape_for_text(std::string_view s, bool escape_backslash = false);

// `s` as valid UTF-8 for JSON: each byte that is not part of a valid UTF-8 sequence becomes
// the text "\xHH"; valid text is unchanged (JSON escapes control characters itself).
std::string valid_utf8(std::string_view s);

}  // namespace c4
