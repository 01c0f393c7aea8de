// Putting untrusted text (manifest names, values, file names) into GitHub-flavoured markdown
// that a reviewer reads: whatever the text holds, it renders as that text, and cannot add a
// link, an image, HTML, a mention, a line break, or end the code span or table cell it is in.
#pragma once

#include <string>
#include <string_view>

namespace c4 {

// `s` as an inline code span: control characters and invalid UTF-8 escaped as text
// (escape_for_text); the fence is one backtick more than the longest run inside, padded with
// spaces when `s` starts or ends with one. Inside a code span GitHub renders no markdown, no
// HTML, no autolink and no @mention. With `in_table`, '|' is written "\|" (GFM splits table
// cells before reading code spans, and removes that backslash inside them).
std::string md_code(std::string_view s, bool in_table = false);

// `s` for HTML text or an attribute value (a <summary>): & < > " ' as entities, control
// characters escaped as text.
std::string html_escape(std::string_view s);

}  // namespace c4
