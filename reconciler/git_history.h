// The history of the branch, for the reporting and the controls of the watching loop: which
// commits a push brought (reported "superseded" when only the newest was applied), how far the
// live commit is behind the tip, and whether a pinned commit is on the branch at all.
//
// Opens the Git repository at `repository` (the source's bare cache, or a working clone) on
// each call: a few milliseconds, and no state shared with the GitSource that fetches into it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace c4 {

// The commits reachable from `tip` and not from `base`, newest first, at most `max`; `total`
// (if given) gets how many there are in all. `base` must be `tip` or one of its ancestors:
// otherwise Status::invalid ("… is not on the branch"). Both are commit ids (full or a prefix)
// or any revision git understands in that repository.
Result<std::vector<std::string>> commits_after(const std::filesystem::path& repository, const std::string& base,
                                               const std::string& tip, size_t max, size_t* total = nullptr);

}  // namespace c4
