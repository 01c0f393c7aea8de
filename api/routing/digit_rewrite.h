// Normalization rules RE2 need not run. Nearly every rule of a numbering plan has the shape
//
//     ^ fixed part ( digit classes ) fixed part $   →   text \1 text
//
// for instance '^0([1-9][0-9]{8})$' → '+33\1' or '^\+([1-9][0-9]+)$' → '00\1'. compile()
// recognises that shape (single characters and the classes [0-9], [1-9]-style ranges and \d,
// each with an optional ?, *, +, {n}, {n,}, {n,m}; the parts outside the group of fixed
// length) and rewrite() then does what RE2::Replace would, with a few comparisons instead of
// running a regex program. Any other pattern gives nullopt and stays with RE2.
// tests/unit/api/routing/routing_digit_rewrite_test.cc checks rewrite() against RE2::Replace.
// Immutable once compiled; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace c4::routing {

class DigitRewrite {
 public:
  // nullopt when `pattern`/`replace` are not of the shape above.
  static std::optional<DigitRewrite> compile(std::string_view pattern, std::string_view replace);

  // The longest value rewrite() takes (a phone number is at most a few dozen characters).
  static constexpr size_t kMaxLength = 63;

  // Like RE2::Replace(&value, pattern, replace): false (value untouched) when the pattern
  // does not match, else value rewritten. REQUIRES: value.size() <= kMaxLength.
  bool rewrite(std::string& value) const;

 private:
  struct Item {
    uint16_t chars;  // bit d set: digit d matches; bit 10: the item is the literal `literal`
    char literal;
    uint8_t min, max;  // max 255 = unbounded
    bool matches(char c) const {
      if (chars & (1u << 10)) return c == literal;
      return c >= '0' && c <= '9' && (chars >> (c - '0') & 1);
    }
  };
  struct Piece {
    std::string text;
    int group;  // -1: text; 0: the whole match; 1: the group
  };
  // compile()'s parts: one character or class of `p` at `i` (before `end`), its quantifier,
  // and the replacement text. Each advances `i` and returns false on what it does not take.
  static bool read_item(std::string_view p, size_t& i, size_t end, Item& item);
  static bool read_quantifier(std::string_view p, size_t& i, size_t end, Item& item);
  static bool compile_replacement(std::string_view replace, std::vector<Piece>& out);
  static bool match_fixed(const std::vector<Item>& items, std::string_view s);
  static bool match_group(const std::vector<Item>& items, std::string_view s);

  std::vector<Item> before_, group_, after_;
  size_t before_len_ = 0, after_len_ = 0;
  std::vector<Piece> replace_;
};

}  // namespace c4::routing
