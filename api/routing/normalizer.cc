#include "api/routing/normalizer.h"

#include <algorithm>

namespace c4::routing {

Result<Normalizer> Normalizer::compile(const NormalizationProfile& profile) {
  Normalizer n;
  n.name_ = profile.meta.name;
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
  return value;
}

}  // namespace c4::routing
