// The node and alias budget of a YAML text (model/limits.h), checked by streaming the parser's
// events: no tree is built, so a document that would expand to 10^9 nodes (the "billion
// laughs" attack: nested aliases) is refused in time and memory proportional to its text.
#pragma once

#include <optional>
#include <string_view>

#include "model/limits.h"
#include "model/problem.h"
#include "model/yaml_source.h"

namespace c4 {

// False when `text` cannot go over the budget, so the scan can be skipped: it holds no alias
// ('*') and is too short to hold max_yaml_nodes nodes (a node takes at least one byte).
bool may_exceed_yaml_budget(std::string_view text, const Limits& limits);

// The first problem of `source`'s text against limits.max_yaml_nodes (per document, aliases
// expanded), limits.max_alias_expansions (per file) and aliases that refer to a node that
// contains them, at the node or alias where the scan stopped; nullopt when within the budget
// or when the text is not valid YAML (parsing reports that). Never throws.
std::optional<Problem> check_yaml_budget(const SourceText& source, const Limits& limits);

}  // namespace c4
