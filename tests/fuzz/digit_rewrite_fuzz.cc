// Fuzzes the normalization rules that skip RE2 (api/routing/digit_rewrite.h) against RE2 itself.
// The input is "pattern \n replacement \n number". Properties, besides no crash and no
// sanitizer report: whenever DigitRewrite::compile() takes a pattern RE2 compiles, rewrite()
// gives RE2::Replace's answer (fired or not, and the same text) on the number and on each of
// its prefixes, up to DigitRewrite::kMaxLength characters.
#include <re2/re2.h>

#include "api/routing/digit_rewrite.h"
#include "fuzz_check.h"

namespace c4::fuzz {
namespace {

struct Case {
  std::string_view pattern, replace, number;
};

// Splits the input at its first two newlines; nullopt when it has fewer.
std::optional<Case> split(std::string_view in) {
  auto a = in.find('\n');
  if (a == std::string_view::npos) return std::nullopt;
  auto b = in.find('\n', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  return Case{in.substr(0, a), in.substr(a + 1, b - a - 1), in.substr(b + 1)};
}

void check_same_as_re2(const routing::DigitRewrite& fast, const RE2& re, std::string_view replace, std::string_view number) {
  std::string by_re2(number), by_fast(number);
  bool fired_re2 = RE2::Replace(&by_re2, re, re2::StringPiece(replace.data(), replace.size()));
  bool fired_fast = fast.rewrite(by_fast);
  std::string what = re.pattern() + " → " + std::string(replace) + " on \"" + std::string(number) + "\"";
  FUZZ_CHECK(fired_fast == fired_re2, "fired differently from RE2: " + what);
  FUZZ_CHECK(by_fast == by_re2, "rewrote to \"" + by_fast + "\", RE2 to \"" + by_re2 + "\": " + what);
}

}  // namespace
}  // namespace c4::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace c4;
  auto input = fuzz::split(fuzz::text_of(data, size));
  if (!input) return 0;
  auto fast = routing::DigitRewrite::compile(input->pattern, input->replace);
  if (!fast) return 0;
  // Validation (model/decode.cc) refuses a manifest whose pattern RE2 rejects or whose
  // replacement does not fit it, so such a rule never reaches the normalizer: no finding.
  RE2 re(re2::StringPiece(input->pattern.data(), input->pattern.size()), RE2::Quiet);
  std::string why;
  if (!re.ok() || !re.CheckRewriteString(re2::StringPiece(input->replace.data(), input->replace.size()), &why)) return 0;
  std::string_view number = input->number.substr(0, routing::DigitRewrite::kMaxLength);
  for (size_t n = 0; n <= number.size(); ++n) fuzz::check_same_as_re2(*fast, re, input->replace, number.substr(0, n));
  return 0;
}
