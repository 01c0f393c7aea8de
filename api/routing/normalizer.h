// A NormalizationProfile's rewrite rules, compiled: inbound (local → E.164) and outbound
// (E.164 → the next hop's format), each in priority order (ties in manifest order).
//
// A number runs through the rules of one direction that apply to it (callee, caller or both):
// a rule whose RE2 pattern matches rewrites the first match with its replacement (\1…\9);
// a matching rule with `stop` ends the pass, one without lets the next rules see the result.
// Rules of the usual "^0([1-9][0-9]{8})$" shape run without RE2 (digit_rewrite.h).
//
// With the profile's e164WithoutPlus, an inbound number that the rules left as digits only
// and that reads as E.164 written without '+' (reads_as_e164_without_plus) gets its '+' after
// the rules ran, recorded as a step named "e164WithoutPlus". Rules run first, so a profile
// catches the national forms that would read as international (an Italian mobile 347…) with
// a rule.
// Immutable once compiled; rewrite() is safe from any thread (RE2 objects are thread-safe).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "api/routing/digit_rewrite.h"
#include "common/status.h"
#include "model/objects.h"

namespace c4::routing {

struct RewriteStep {
  std::string rule;
  std::string before, after;
};

class Normalizer {
 public:
  enum class Role { callee, caller };
  using Direction = NormalizationRule::Direction;

  // Status::invalid naming the rule when a pattern does not compile.
  static Result<Normalizer> compile(const NormalizationProfile& profile);

  // `number` rewritten for `role` by the rules of `direction`; each rule that fired is
  // appended to `steps` when it is not null.
  std::string rewrite(const std::string& number, Direction direction, Role role,
                      std::vector<RewriteStep>* steps = nullptr) const;
  const std::string& name() const { return name_; }

  // Whether `digits` is E.164 without its '+' for this profile: 8 to 15 ASCII digits, the
  // first not 0, not starting with the international prefix, nor with a non-empty
  // long-distance prefix unless it also starts with the country code (North America, where
  // both are "1" and the national and international readings are the same number). 8 digits
  // at least keeps extensions and local subscriber numbers (7 digits and fewer) out.
  bool reads_as_e164_without_plus(const std::string& digits) const;

 private:
  struct Rule {
    std::string name;
    std::shared_ptr<const RE2> pattern;
    std::string replace;
    std::optional<DigitRewrite> digits;  // the same rule without RE2, when it has that shape
    NormalizationRule::AppliesTo applies_to;
    bool stop;
  };
  std::string name_;
  std::vector<Rule> inbound_, outbound_;
  bool e164_without_plus_ = false;
  std::string country_code_, international_prefix_, long_distance_prefix_;
};

}  // namespace c4::routing
