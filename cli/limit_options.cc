#include "cli/limit_options.h"

#include <charconv>

namespace c4::cli {
namespace {

struct LimitFlag {
  const char* name;
  uint64_t Limits::*field;
  const char* help;
};

const std::vector<LimitFlag>& limit_flags() {
  static const std::vector<LimitFlag> flags = {
      {"max-file-bytes", &Limits::max_file_bytes,
       "bytes of one manifest file; a larger file is an error and is not read (parsing needs up to ~140 bytes of "
       "memory per byte of YAML)."},
      {"max-revision-bytes", &Limits::max_revision_bytes,
       "bytes of all manifest files of a revision together; checked from the sizes before any file is read."},
      {"max-yaml-nodes", &Limits::max_yaml_nodes,
       "nodes (values, lists, mappings) of one YAML document, counted with aliases expanded."},
      {"max-alias-expansions", &Limits::max_alias_expansions,
       "nodes that YAML aliases (*name) of one file add when expanded (stops \"billion laughs\")."},
      {"max-numbers", &Limits::max_numbers,
       "DID numbers of a revision: listed numbers plus the size of every range."},
      {"max-redis-keys", &Limits::max_redis_keys, "keys of the revision's Redis projection (docs/redis.md)."},
  };
  return flags;
}

}  // namespace

std::vector<OptionSpec> limit_options() {
  std::vector<OptionSpec> out;
  Limits defaults;
  for (const auto& f : limit_flags()) out.push_back({f.name, "N", f.help, std::to_string(defaults.*f.field)});
  return out;
}

Result<Limits> read_limits(const ParsedOptions& options) {
  Limits limits;
  for (const auto& f : limit_flags()) {
    std::string text = options.get(f.name);
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0)
      return Status::invalid("--" + std::string(f.name) + " must be a whole number of at least 1, not \"" + text + "\"");
    limits.*f.field = value;
  }
  return limits;
}

}  // namespace c4::cli
