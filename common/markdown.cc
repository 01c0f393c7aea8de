#include "common/markdown.h"

#include <algorithm>

#include "common/escape.h"

namespace c4 {

std::string md_code(std::string_view s, bool in_table) {
  std::string text = escape_for_text(s);
  if (in_table) {
    std::string piped;
    for (char c : text) piped += c == '|' ? std::string("\\|") : std::string(1, c);
    text = std::move(piped);
  }
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  // CommonMark strips one space from each side when both are there: pad when a backtick or a
  // space at an end would otherwise merge with the fence or be eaten.
  bool pad = !text.empty() && (text.front() == '`' || text.back() == '`' || text.front() == ' ' || text.back() == ' ');
  if (text.empty()) text = " ";
  return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : escape_for_text(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace c4
