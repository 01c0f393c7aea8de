// The CDR spool flags of `c4confd serve` and `c4confd all` (docs/cdrs.md, "When PostgreSQL is
// down"): --cdr-spool-dir and --cdr-spool-max-bytes, with their environment twins.
#pragma once

#include <memory>
#include <vector>

#include "api/cdr/cdr_spool.h"
#include "cli/options.h"

namespace c4::cli {

// The directory used when --cdr-spool-dir is not given.
inline constexpr const char* kDefaultCdrSpoolDir = "/var/lib/c4confd/cdr-spool";

std::vector<OptionSpec> cdr_spool_options();

// Opens the spool the flags name. nullptr (no spool: CDRs are answered 503 while PostgreSQL is
// down) when --cdr-spool-dir is "" or "none", or when the default directory cannot be used
// (logged as cdr.spool_disabled, so a host without /var/lib/c4confd still serves). A directory
// given explicitly that cannot be used, or a bad --cdr-spool-max-bytes, is an error naming the
// flag.
Result<std::shared_ptr<cdr::CdrSpool>> open_cdr_spool(const ParsedOptions& options);

}  // namespace c4::cli
