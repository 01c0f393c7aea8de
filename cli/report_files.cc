#include "cli/report_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "model/problem_reports.h"

namespace c4::cli {

std::vector<OptionSpec> problem_report_options() {
  return {
      {"sarif-file", "FILE", "also write the problems as a SARIF 2.1.0 log to FILE, for code scanning (one rule per "
                             "check).", ""},
      {"annotations-file", "FILE", "also write the problems as GitHub workflow commands to FILE (`cat` it in a step: "
                                   "an annotation on each problem's file and line).", ""},
  };
}

Status write_file_whole(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return Status::unavailable(path + ": cannot be written");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (!ec) return Status::ok();
  std::filesystem::remove(tmp, ec);
  return Status::unavailable(path + ": cannot be written");
}

Status write_problem_reports(const ParsedOptions& options, const Problems& problems, const std::string& file_prefix) {
  if (auto file = options.get("sarif-file"); !file.empty())
    if (Status s = write_file_whole(file, problems_to_sarif(problems, file_prefix, C4CONFD_VERSION).dump(2) + "\n"); !s)
      return s.with_context("--sarif-file");
  if (auto file = options.get("annotations-file"); !file.empty())
    if (Status s = write_file_whole(file, problems_to_github(problems, file_prefix)); !s)
      return s.with_context("--annotations-file");
  return Status::ok();
}

}  // namespace c4::cli
