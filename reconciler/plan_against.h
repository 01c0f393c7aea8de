// The database-free plan between two Git revisions (`plan --against REV`, the pull-request
// check): validates the desired revision in full, as `validate` and a reconcile would, and
// compares its objects with the base revision's.
//
// Its cost follows the change: both revisions share one file-validation cache, so a file the
// change did not touch is parsed once, and with a FileValidationStore not at all when an
// earlier run kept its result; the base revision, which is only compared with, is not checked
// across files (its problems are never shown).
#pragma once

#include <optional>

#include "model/file_validation_store.h"
#include "model/secret_policy.h"
#include "model/validate.h"
#include "reconciler/plan.h"
#include "reconciler/revision_source.h"

namespace c4 {

struct RevisionPlan {
  Problems problems;        // of the desired revision: every problem a full validation finds
  std::optional<Plan> plan;  // set when the desired revision is valid
  size_t files_parsed = 0;   // files whose result came from no cache (for logs and tests)
};

// `store` may be null (every file is parsed). A store that cannot be written is not an error:
// the check runs the same, only the next one parses more. Errors: making the plan failed.
Result<RevisionPlan> plan_against(const DesiredRevision& desired, const DesiredRevision& base, const SchemaSet& schemas,
                                  const Limits& limits, const SecretPolicy& secrets, FileValidationStore* store);

}  // namespace c4
