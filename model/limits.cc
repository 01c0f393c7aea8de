#include "model/limits.h"

namespace c4 {

std::string with_thousands(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::vector<SizeDecision> decide_reads(const std::vector<uint64_t>& sizes, const Limits& limits) {
  std::vector<SizeDecision> out(sizes.size());
  uint64_t total = 0, all = 0;
  for (uint64_t size : sizes) all += size;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] > limits.max_file_bytes) {
      out[i].read = false;
      out[i].refused = "the file is " + with_thousands(sizes[i]) + " bytes, over the limit of " +
                       with_thousands(limits.max_file_bytes) + " bytes per file (--max-file-bytes); it was not read";
      continue;
    }
    total += sizes[i];
    if (total <= limits.max_revision_bytes) continue;
    out[i].read = false;
    out[i].refused = "the manifest files of this revision come to " + with_thousands(all) +
                     " bytes, over the limit of " + with_thousands(limits.max_revision_bytes) +
                     " bytes per revision (--max-revision-bytes); the limit is crossed at this file: it and the " +
                     std::to_string(sizes.size() - i - 1) + " files after it were not read";
    for (size_t k = i + 1; k < sizes.size(); ++k) out[k] = {false, "", true};
    break;
  }
  return out;
}

}  // namespace c4
