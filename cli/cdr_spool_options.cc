#include "cli/cdr_spool_options.h"

#include <charconv>

#include "common/log.h"

namespace c4::cli {

std::vector<OptionSpec> cdr_spool_options() {
  return {
      {"cdr-spool-dir", "DIR", "where CDRs are kept (fsync'd) while PostgreSQL is unavailable, then replayed once "
                               "it answers; one process per directory; \"none\": no spool (503 while it is down).",
       kDefaultCdrSpoolDir},
      {"cdr-spool-max-bytes", "N", "largest size of the CDR spool; beyond it CDRs are answered 503.", "1073741824"},
  };
}

Result<std::shared_ptr<cdr::CdrSpool>> open_cdr_spool(const ParsedOptions& options) {
  std::string dir = options.get("cdr-spool-dir");
  if (dir.empty() || dir == "none") return std::shared_ptr<cdr::CdrSpool>();
  std::string text = options.get("cdr-spool-max-bytes");
  uint64_t max_bytes = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), max_bytes);
  if (ec != std::errc() || end != text.data() + text.size() || max_bytes < 4096)
    return Status::invalid("--cdr-spool-max-bytes \"" + text + "\": expected a number of bytes, at least 4096");
  cdr::CdrSpoolOptions spool;
  spool.dir = dir;
  spool.max_bytes = max_bytes;
  auto opened = cdr::CdrSpool::open(spool);
  if (opened) {
    log_event(LogLevel::info, "cdr.spool_opened",
              {{"dir", dir}, {"records", (*opened)->records()}, {"bytes", (*opened)->bytes()}});
    return std::shared_ptr<cdr::CdrSpool>(std::move(opened.value()));
  }
  if (dir != kDefaultCdrSpoolDir) return opened.status().with_context("--cdr-spool-dir");
  log_event(LogLevel::warn, "cdr.spool_disabled", {{"error", opened.status().message()}});
  return std::shared_ptr<cdr::CdrSpool>();
}

}  // namespace c4::cli
