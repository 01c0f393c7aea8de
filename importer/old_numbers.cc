#include "importer/old_numbers.h"

#include <re2/re2.h>

namespace c4::importer {
namespace {

size_t count_digits(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  return n;
}

// Drops one optional leading '+' as the old data wrote it: "+", "\+" or "\+?".
std::string_view drop_plus(std::string_view s) {
  for (std::string_view p : {"\\+?", "\\+", "+"})
    if (s.substr(0, p.size()) == p) return s.substr(p.size());
  return s;
}

// N when `tail` is N digit classes (\d or [0-9]) or one digit class with {N}; 0 otherwise.
size_t digit_class_count(std::string_view tail) {
  size_t n = 0;
  while (!tail.empty()) {
    size_t len = tail.substr(0, 2) == "\\d" ? 2 : tail.substr(0, 5) == "[0-9]" ? 5 : 0;
    if (len == 0) break;
    tail.remove_prefix(len);
    ++n;
    if (!tail.empty() && tail.front() == '{') {
      if (n != 1) return 0;
      size_t close = tail.find('}');
      std::string_view count = tail.substr(1, close == std::string_view::npos ? 0 : close - 1);
      if (count.empty() || count.size() > 2 || count_digits(count) != count.size()) return 0;
      return close + 1 == tail.size() ? std::stoul(std::string(count)) : 0;
    }
  }
  return tail.empty() ? n : 0;
}

DidPattern invalid(std::string why) {
  DidPattern p;
  p.why = std::move(why);
  return p;
}

DidPattern as_regex(std::string_view old_regex) {
  std::string_view body = old_regex;
  if (!body.empty() && body.front() == '^') body.remove_prefix(1);
  if (body.size() >= 1 && body.back() == '$' && (body.size() < 2 || body[body.size() - 2] != '\\'))
    body.remove_suffix(1);
  body = drop_plus(body);
  DidPattern p;
  p.regex = "^\\+(?:" + std::string(body) + ")$";
  if (auto error = re2_error(p.regex)) return invalid("regex \"" + std::string(old_regex) + "\" is refused by RE2: " + *error);
  p.kind = DidPattern::Kind::regex;
  return p;
}

std::optional<E164> number(const std::string& digits, std::string* why) { return parse_e164("+" + digits, why); }

}  // namespace

std::optional<std::string> re2_error(const std::string& regex) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 re(regex, options);
  if (re.ok()) return std::nullopt;
  return re.error();
}

bool written_without_plus(std::string_view old) {
  if (!old.empty() && old.front() == '^') old.remove_prefix(1);
  return !old.empty() && old.front() != '+' && old.substr(0, 2) != "\\+";
}

DidPattern read_did_regex(std::string_view old_regex) {
  std::string_view s = old_regex;
  if (!s.empty() && s.front() == '^') s.remove_prefix(1);
  s = drop_plus(s);
  size_t n = count_digits(s);
  std::string digits(s.substr(0, n));
  std::string_view tail = s.substr(n);
  if (!tail.empty() && tail.back() == '$' && (tail.size() < 2 || tail[tail.size() - 2] != '\\')) tail.remove_suffix(1);
  if (digits.empty()) return as_regex(old_regex);
  std::string why;
  if (tail.empty()) {
    DidPattern p;
    auto e = number(digits, &why);
    if (!e) return invalid("number " + digits + " is not E.164: " + why);
    p.kind = DidPattern::Kind::exact;
    p.number = *e;
    return p;
  }
  if (tail == ".*" || tail == "\\d*" || tail == "[0-9]*") {
    auto prefix = parse_e164_prefix("+" + digits, &why);
    if (!prefix) return invalid("prefix " + digits + " is not an E.164 prefix: " + why);
    DidPattern p;
    p.kind = DidPattern::Kind::prefix;
    p.prefix = "+" + digits;
    return p;
  }
  if (size_t width = digit_class_count(tail); width > 0) {
    auto first = number(digits + std::string(width, '0'), &why);
    auto last = first ? number(digits + std::string(width, '9'), &why) : std::nullopt;
    if (!first || !last) return invalid("block " + std::string(old_regex) + " is not of E.164 numbers: " + why);
    DidPattern p;
    p.kind = DidPattern::Kind::range;
    p.number = *first;
    p.last = *last;
    return p;
  }
  return as_regex(old_regex);
}

std::optional<std::string> e164_prefix(std::string_view old_prefix, std::string* why) {
  std::string text(old_prefix);
  if (text.empty() || text.front() != '+') text = "+" + text;
  if (!parse_e164_prefix(text, why)) return std::nullopt;
  return text;
}

std::optional<std::string> plus_anchored_regex(std::string_view old_regex, std::string* why) {
  std::string regex(old_regex);
  if (!regex.empty() && regex.front() == '^') regex = "^\\+" + std::string(drop_plus(old_regex.substr(1)));
  if (auto error = re2_error(regex)) {
    if (why) *why = "regex \"" + std::string(old_regex) + "\" is refused by RE2: " + *error;
    return std::nullopt;
  }
  return regex;
}

std::optional<std::string> re2_replacement(std::string_view python_replacement, std::string* why) {
  std::string out;
  for (size_t i = 0; i < python_replacement.size(); ++i) {
    std::string_view rest = python_replacement.substr(i);
    if (rest.substr(0, 3) != "\\g<") {
      out.push_back(python_replacement[i]);
      continue;
    }
    size_t close = rest.find('>');
    std::string_view group = rest.substr(3, close == std::string_view::npos ? 0 : close - 3);
    if (group.size() != 1 || group[0] < '0' || group[0] > '9') {
      if (why) *why = "replacement \"" + std::string(python_replacement) + "\" uses \\g<" + std::string(group) +
                      ">, which RE2 rewriting cannot say (groups \\0 to \\9 only)";
      return std::nullopt;
    }
    out += "\\" + std::string(group);
    i += close;
  }
  return out;
}

}  // namespace c4::importer
