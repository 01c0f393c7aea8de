// A plan as the pull-request comment a reviewer reads in ten seconds (GitHub-flavoured
// markdown): a summary table per kind, then one section per tenant (collapsed in <details>
// when long) with each object's field changes. Secrets are already redacted by the plan
// (plan.h); long number lists come summarised from it ("N added, M removed", a few examples).
// Every name and value from the manifests is untrusted and rendered as inert text
// (common/markdown.h). The comment never exceeds kCommentCap characters: past it, it stops at
// a section boundary and says how many changes it leaves out.
#pragma once

#include <string>

#include "model/problem.h"
#include "reconciler/plan.h"

namespace c4 {

// GitHub refuses a comment over 65,536 characters; this leaves room for a workflow's own lines.
inline constexpr size_t kCommentCap = 60000;

// The first line of every comment: how a CI job finds its previous comment to update it.
inline constexpr const char* kCommentMarker = "<!-- c4confd-plan -->";

struct PlanHeading {
  std::string commit;   // the planned revision
  std::string against;  // the base revision as given (--against), "" for the database
};

std::string plan_to_markdown(const Plan& plan, const PlanHeading& heading, size_t cap = kCommentCap);

// The comment for a revision that does not validate: its problems (file:line, object, message).
std::string problems_to_markdown(const Problems& problems, const PlanHeading& heading, size_t cap = kCommentCap);

}  // namespace c4
