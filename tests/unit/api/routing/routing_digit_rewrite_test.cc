// Normalization rules without RE2 (api/routing/digit_rewrite.h): the shapes it takes, the
// ones it leaves to RE2, and, for each shape, the same answer as RE2::Replace on many numbers.
#include <doctest/doctest.h>

#include <random>

#include <re2/re2.h>

#include "api/routing/digit_rewrite.h"

namespace c4::routing {
namespace {

// Numbers near the shapes of a numbering plan: random digits with +, 00, 0 and country-code
// heads, a few letters and odd characters, of every length up to 18.
std::vector<std::string> sample_numbers() {
  std::vector<std::string> out = {"", "+", "0", "00", "+33", "0140000123", "+33140000123", "0033140000123",
                                  "33140000123", "+3314000012", "+331400001234", "0x40000123", "01400001２3",
                                  "+393471234567", "+33140000123#", "9123"};
  std::mt19937 rng(7);
  const std::vector<std::string> heads = {"", "+", "0", "00", "+33", "+39", "33", "0033", "9", "+0"};
  const std::string alphabet = "0123456789012345678901234567890123456789+#*a";
  for (int i = 0; i < 4000; ++i) {
    std::string s = heads[rng() % heads.size()];
    size_t n = rng() % 16;
    for (size_t k = 0; k < n; ++k) s.push_back(alphabet[rng() % alphabet.size()]);
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("digit rewrites give RE2::Replace's answer for numbering-plan rules") {
  const std::vector<std::pair<std::string, std::string>> rules = {
      {"^00([1-9][0-9]+)$", "+\\1"},        {"^0([1-9][0-9]{8})$", "+33\\1"},  {"^33([1-9][0-9]{8})$", "+33\\1"},
      {"^\\+33([1-9][0-9]{8})$", "0\\1"},  {"^\\+([1-9][0-9]+)$", "00\\1"},   {"^(0[1-9][0-9]{4,9})$", "+39\\1"},
      {"^\\+39(3[0-9]{8,9})$", "\\1"},     {"^([1-9]\\d*)$", "+\\1"},          {"^9(\\d{2,})$", "\\0-\\1"},
      {"^(\\d?\\d?[2-57-8]+)$", "x\\1x"},  {"^00()$", "empty"},                {"^\\+33([0-9]{9})#$", "\\\\\\1"}};
  const auto numbers = sample_numbers();
  for (const auto& entry : rules) {  // no structured binding: a lambda takes it (clang 14)
    const auto& pattern = entry.first;
    const auto& replace = entry.second;
    auto fast = DigitRewrite::compile(pattern, replace);
    REQUIRE_MESSAGE(fast.has_value(), pattern);
    RE2 re(pattern);
    REQUIRE(re.ok());
    int fired = 0;
    for (const auto& number : numbers) {
      std::string a = number, b = number;
      bool by_re2 = RE2::Replace(&a, re, replace);
      bool by_fast = fast->rewrite(b);
      CHECK_MESSAGE(by_fast == by_re2, pattern, " on \"", number, "\"");
      CHECK_MESSAGE(b == a, pattern, " on \"", number, "\"");
      fired += by_re2;
    }
    CHECK_MESSAGE(fired > 0, pattern);  // the sample reaches every rule
  }
}

TEST_CASE("digit rewrites leave every other pattern to RE2") {
  for (const char* pattern : {"00([1-9][0-9]+)$", "^00([1-9][0-9]+)", "^0(1|2)$", "^0([1-9].*)$", "^(0)([0-9])$",
                              "^0?([0-9]+)$", "^(?i)a([0-9])$", "^0([^0][0-9])$", "^0([0-9]+?)$", "^0([0-9]{,3})$",
                              "^0([a-z]+)$", "^0\\b([0-9])$", "^0(\\w)$", "^(0)\\1$", "^0([0-9]+)+$",
                              "^(\\d{00})$", "^0([0-9]{0})$", "^(\\d{02})$"})  // fuzz/digit_rewrite
    CHECK_FALSE_MESSAGE(DigitRewrite::compile(pattern, "\\1"), pattern);
  for (const char* replace : {"\\2", "\\", "x\\9", "\\a"})
    CHECK_FALSE_MESSAGE(DigitRewrite::compile("^0([0-9]+)$", replace), replace);
}

}  // namespace c4::routing
