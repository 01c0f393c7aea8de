// A bound on how deeply a JSON text nests, checked before it is parsed.
//
// Why: every request body of the API is untrusted. A body of a million '[' (or '{"a":') is
// well under the 1 MiB body limit, yet nlohmann's parser builds a million nested values
// (tens of MB) for it, and anything recursive over the result (dump() in an error message,
// a destructor) may run out of stack. No document the API accepts nests more than a few
// levels, so a body is refused before parsing once it opens more than kMaxJsonDepth
// arrays/objects. The scan is one pass over the bytes, allocates nothing, and is not a
// validator: it only counts brackets outside strings (the parser judges the rest).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace c4 {

// Deep enough for any body the API takes (they nest 2 or 3 levels), small enough that the
// parsed document and recursive walks over it stay cheap.
inline constexpr size_t kMaxJsonDepth = 64;

// The byte offset of the bracket that opens level `max_depth + 1` in `text`, or nullopt when
// `text` never nests deeper than `max_depth`. Brackets inside strings do not count.
inline std::optional<size_t> json_too_deep_at(std::string_view text, size_t max_depth = kMaxJsonDepth) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// "" when `body` nests at most kMaxJsonDepth levels, else the message of the 400 that refuses
// it: "body: JSON nested deeper than 64 levels (at byte 64)".
inline std::string json_depth_error(std::string_view body) {
  auto at = json_too_deep_at(body);
  if (!at) return "";
  return "body: JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (at byte " +
         std::to_string(*at) + ")";
}

}  // namespace c4
