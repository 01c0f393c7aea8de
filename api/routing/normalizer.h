// A NormalizationProfile's rewrite rules, compiled: inbound (local → E.164) and outbound
// (E.164 → the next hop's format), each in priority order (ties in manifest order).
//
// A number runs through the rules of one direction that apply to it (callee, caller or both):
// a rule whose RE2 pattern matches rewrites the first match with its replacement (\1…\9);
// a matching rule with `stop` ends the pass, one without lets the next rules see the result.
// Rules of the usual "^0([1-9][0-9]{8})$" shape run without RE2 (digit_rewrite.h).
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
};

}  // namespace c4::routing
