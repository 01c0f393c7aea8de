#include "api/routing/digit_rewrite.h"

#include <cctype>
#include <cstring>

namespace c4::routing {
namespace {

constexpr uint8_t kUnbounded = 255;
constexpr uint16_t kLiteral = 1u << 10;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A bounded decimal count in a {n,m} quantifier.
// RE2 reads no count with a leading zero ({02} is the text "{02}" to it): such a pattern is left
// to RE2 (fuzz/digit_rewrite found {00} and {02}).
bool read_count(std::string_view p, size_t& i, int& out) {
  if (i + 1 < p.size() && p[i] == '0' && is_digit(p[i + 1])) return false;
  size_t start = i;
  out = 0;
  while (i < p.size() && is_digit(p[i]) && out < 1000) out = out * 10 + (p[i++] - '0');
  return i > start && out < kUnbounded;
}

}  // namespace

bool DigitRewrite::read_item(std::string_view p, size_t& i, size_t end, Item& item) {
  char c = p[i];
  item = {0, 0, 1, 1};
  if (c == '\\') {
    if (i + 1 >= end) return false;
    char e = p[i + 1];
    if (e == 'd') item.chars = 0x3FF;
    else if (std::ispunct(static_cast<unsigned char>(e))) item = {kLiteral, e, 1, 1};
    else return false;  // \b, \w, \1 …: RE2's business
    i += 2;
  } else if (c == '[') {
    ++i;
    while (i < end && p[i] != ']') {
      if (!is_digit(p[i])) return false;
      char lo = p[i], hi = lo;
      if (i + 2 < end && p[i + 1] == '-' && is_digit(p[i + 2])) hi = p[i + 2], i += 2;
      if (hi < lo) return false;
      for (char d = lo; d <= hi; ++d) item.chars |= static_cast<uint16_t>(1u << (d - '0'));
      ++i;
    }
    if (i >= end || item.chars == 0) return false;
    ++i;  // ]
  } else if (c > ' ' && c < 0x7f && !std::strchr(".^$|?*+()[]{}\\", c)) {  // a literal character
    item = {kLiteral, c, 1, 1};
    ++i;
  } else {
    return false;  // | . ( ) * + ? { and the rest
  }
  return true;
}

bool DigitRewrite::read_quantifier(std::string_view p, size_t& i, size_t end, Item& item) {
  if (i >= end) return true;
  char q = p[i];
  if (q == '?') item.min = 0, item.max = 1, ++i;
  else if (q == '*') item.min = 0, item.max = kUnbounded, ++i;
  else if (q == '+') item.min = 1, item.max = kUnbounded, ++i;
  else if (q == '{') {
    int lo = 0, hi = 0;
    ++i;
    if (!read_count(p, i, lo)) return false;
    hi = lo;
    if (i < end && p[i] == ',') {
      ++i;
      if (i < end && p[i] == '}') hi = kUnbounded;
      else if (!read_count(p, i, hi) || hi < lo) return false;
    }
    if (i >= end || p[i] != '}') return false;
    ++i;
    if (hi == 0) return false;  // x{0}: an item that matches nothing, left to RE2 (fuzz/digit_rewrite found it)
    item.min = static_cast<uint8_t>(lo), item.max = static_cast<uint8_t>(hi);
  }
  return !(i < end && (p[i] == '?' || p[i] == '+' || p[i] == '*' || p[i] == '{'));  // lazy, possessive
}

bool DigitRewrite::compile_replacement(std::string_view replace, std::vector<Piece>& out) {
  std::string text;
  for (size_t k = 0; k < replace.size(); ++k) {
    if (replace[k] != '\\') {
      text.push_back(replace[k]);
      continue;
    }
    if (k + 1 >= replace.size()) return false;
    char e = replace[++k];
    if (e == '\\') {
      text.push_back('\\');
      continue;
    }
    if (e != '0' && e != '1') return false;
    if (!text.empty()) out.push_back({std::move(text), -1});
    text.clear();
    out.push_back({"", e - '0'});
  }
  if (!text.empty()) out.push_back({std::move(text), -1});
  return true;
}

std::optional<DigitRewrite> DigitRewrite::compile(std::string_view p, std::string_view replace) {
  if (p.size() < 4 || p.front() != '^' || p.back() != '$') return std::nullopt;
  DigitRewrite out;
  int part = 0;  // 0 before the group, 1 inside, 2 after
  size_t i = 1, end = p.size() - 1;
  while (i < end) {
    char c = p[i];
    if (c == '(' && part == 0 && i + 1 < end && p[i + 1] != '?') { part = 1; ++i; continue; }
    if (c == ')' && part == 1) { part = 2; ++i; continue; }
    Item item{0, 0, 1, 1};
    if (!read_item(p, i, end, item) || !read_quantifier(p, i, end, item)) return std::nullopt;
    if (part != 1 && item.min != item.max) return std::nullopt;  // outside the group: fixed length
    (part == 0 ? out.before_ : part == 1 ? out.group_ : out.after_).push_back(item);
    (part == 0 ? out.before_len_ : out.after_len_) += part == 1 ? 0 : item.min;
  }
  if (part != 2 || !compile_replacement(replace, out.replace_)) return std::nullopt;
  return out;
}

bool DigitRewrite::match_fixed(const std::vector<Item>& items, std::string_view s) {
  size_t pos = 0;
  for (const Item& item : items)
    for (int k = 0; k < item.min; ++k)
      if (!item.matches(s[pos++])) return false;
  return true;
}

// Whether `s` as a whole is matched by `items` in sequence: the set of reachable positions
// (bit i: the first i characters are matched), item by item, so no backtracking blow-up
// whatever the quantifiers. s.size() <= kMaxLength < 64: the set is one word.
bool DigitRewrite::match_group(const std::vector<Item>& items, std::string_view s) {
  uint64_t reach = 1;
  for (const Item& item : items) {
    uint64_t next = 0;
    for (uint64_t r = reach; r; r &= r - 1) {
      size_t from = static_cast<size_t>(__builtin_ctzll(r));
      size_t run = 0;  // how many characters from `from` the item can take
      while (from + run < s.size() && run < item.max && item.matches(s[from + run])) ++run;
      if (run >= item.min) next |= ((uint64_t{2} << (run - item.min)) - 1) << (from + item.min);
    }
    if (!next) return false;
    reach = next;
  }
  return reach >> s.size() & 1;
}

bool DigitRewrite::rewrite(std::string& value) const {
  if (value.size() < before_len_ + after_len_) return false;
  std::string_view v = value;
  std::string_view group = v.substr(before_len_, v.size() - before_len_ - after_len_);
  if (!match_fixed(before_, v.substr(0, before_len_)) || !match_fixed(after_, v.substr(v.size() - after_len_)) ||
      !match_group(group_, group))
    return false;
  std::string out;
  for (const Piece& piece : replace_) out.append(piece.group < 0 ? std::string_view(piece.text) : piece.group == 0 ? v : group);
  value = std::move(out);
  return true;
}

}  // namespace c4::routing
