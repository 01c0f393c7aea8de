#include "api/routing/normalizer.h"

#include <algorithm>

#include "model/e164.h"

namespace c4::routing {

Result<Normalizer> Normalizer::compile(const NormalizationProfile& profile) {
  Normalizer n;
  n.name_ = profile.meta.name;
  n.e164_without_plus_ = profile.e164_without_plus;
  n.country_code_ = profile.country_code;
  n.international_prefix_ = profile.international_prefix;
  n.long_distance_prefix_ = profile.long_distance_prefix;
  std::vector<const NormalizationRule*> ordered;
  for (const auto& r : profile.rules) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->priority < b->priority; });
  for (const auto* r : ordered) {
    auto pattern = std::make_shared<const RE2>(r->match, RE2::Quiet);
    if (!pattern->ok())
      return Status::invalid("normalization profile " + profile.meta.tenant + "/" + profile.meta.name + ", rule \"" +
                             r->name + "\": " + pattern->error());
    Rule rule{r->name, std::move(pattern), r->replace, DigitRewrite::compile(r->match, r->replace), r->applies_to,
              r->stop};
    (r->direction == NormalizationRule::Direction::inbound ? n.inbound_ : n.outbound_).push_back(std::move(rule));
  }
  return n;
}

std::string Normalizer::rewrite(const std::string& number, Direction direction, Role role,
                                std::vector<RewriteStep>* steps) const {
  std::string value = number;
  for (const auto& rule : direction == Direction::inbound ? inbound_ : outbound_) {
    bool applies = rule.applies_to == NormalizationRule::AppliesTo::both ||
                   (rule.applies_to == NormalizationRule::AppliesTo::callee && role == Role::callee) ||
                   (rule.applies_to == NormalizationRule::AppliesTo::caller && role == Role::caller);
    if (!applies) continue;
    std::string before = steps ? value : std::string();
    bool fired = rule.digits && value.size() <= DigitRewrite::kMaxLength ? rule.digits->rewrite(value)
                                                                         : RE2::Replace(&value, *rule.pattern, rule.replace);
    if (!fired) continue;
    if (steps) steps->push_back({rule.name, std::move(before), value});
    if (rule.stop) break;
  }
  if (direction == Direction::inbound && e164_without_plus_ && reads_as_e164_without_plus(value)) {
    if (steps) steps->push_back({"e164WithoutPlus", value, "+" + value});
    value.insert(value.begin(), '+');
  }
  return value;
}

bool Normalizer::reads_as_e164_without_plus(const std::string& digits) const {
  constexpr size_t kMinDigits = 8;
  if (digits.size() < kMinDigits || digits.size() > kE164MaxDigits || digits[0] == '0') return false;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  auto starts_with = [&](const std::string& prefix) { return digits.compare(0, prefix.size(), prefix) == 0; };
  if (!international_prefix_.empty() && starts_with(international_prefix_)) return false;
  if (!long_distance_prefix_.empty() && starts_with(long_distance_prefix_) && !starts_with(country_code_)) return false;
  return true;
}

}  // namespace c4::routing
