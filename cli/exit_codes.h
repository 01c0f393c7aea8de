// Exit statuses every c4confd command shares. Each command documents its own (0 success, 1 and
// 2 with a meaning per command, e.g. plan's 2 "changes"); a usage error has its own status so a
// CI job never reads a mistyped flag as "the plan has changes".
#pragma once

namespace c4::cli {

// A usage error: unknown command or option, missing or unsupported option value, wrong
// number of arguments (sysexits.h EX_USAGE).
inline constexpr int kExitUsage = 64;

// An exception no code path expected: a bug of ours (EX_SOFTWARE).
inline constexpr int kExitInternal = 70;

inline constexpr const char* kExitUsageHelp =
    "Exit status 64: a usage error (unknown command or option, an option value that is missing or not\n"
    "supported, wrong arguments); 70: an internal error. Both for every command.";

}  // namespace c4::cli
