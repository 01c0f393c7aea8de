// The old service's numbers and number regexes, read as c4confd's E.164 forms.
//
// The old data stores numbers without '+' (33140001234) and describes a DID by a Python regex
// over that number. Most such regexes are a number, a block or a prefix in disguise; those
// become exact numbers, ranges and prefixes (which c4confd checks for overlaps and looks up
// in O(1)); the rest stay regexes, rewritten to match the number with its '+'.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/e164.h"

namespace c4::importer {

struct DidPattern {
  enum class Kind { exact, range, prefix, regex, invalid } kind = Kind::invalid;
  E164 number;            // exact; range: the first number
  E164 last;              // range: the last number
  std::string prefix;     // prefix: "+digits"
  std::string regex;      // regex: the RE2 regex over "+digits" (full match)
  std::string why;        // invalid: a plain explanation
};

// Reads one `dids.did_regex`:
// - "33140001234", "^33140001234$", "^\+?33140001234$", "+33140001234" → exact;
// - digits then \d{N}, [0-9]{N} or N times \d / [0-9], anchored → range (from …0 to …9);
// - digits then .*, \d*, [0-9]* (or nothing after an unanchored end) → prefix;
// - anything else → a regex over the whole number with its '+' ("^\+(?:" body ")$"), checked
//   with RE2; invalid when RE2 refuses it (Python-only syntax such as look-arounds or
//   back-references) or when the number is not E.164 (leading 0, too long).
DidPattern read_did_regex(std::string_view old_regex);

// "33" or "+33" → "+33" (an E.164 prefix); nullopt (with `why`) when not one.
std::optional<std::string> e164_prefix(std::string_view old_prefix, std::string* why);

// An old regex meant for a number without '+' as an RE2 regex over the number with its '+',
// searched anywhere (a routing rule's match): a leading '^' becomes "^\+"; otherwise the regex
// is kept. nullopt (with `why`) when RE2 refuses it.
std::optional<std::string> plus_anchored_regex(std::string_view old_regex, std::string* why);

// True when `old` (a did_regex or prefix) writes its number without a leading '+'.
bool written_without_plus(std::string_view old);

// Python `re` replacement syntax as RE2's: \g<N> → \N. nullopt (with `why`) for a named group
// or a group number above 9, which RE2 rewriting cannot say.
std::optional<std::string> re2_replacement(std::string_view python_replacement, std::string* why);

// nullopt when RE2 accepts `regex`, else RE2's reason.
std::optional<std::string> re2_error(const std::string& regex);

}  // namespace c4::importer
