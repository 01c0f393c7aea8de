// Validation problems in the formats CI systems read: GitHub Actions workflow commands (one
// annotation per problem on the file and line of a pull request) and SARIF 2.1.0 (code
// scanning). Every field of a problem is manifest text, hence untrusted: escaped so that it
// cannot end a command, start another, or make the output invalid.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model/problem.h"

namespace c4 {

// GitHub's escaping of a workflow command's message: '%', CR and LF as %25, %0D, %0A.
std::string github_escape_data(std::string_view s);
// ... of a property value (file, title): also ':' and ',' as %3A and %2C.
std::string github_escape_property(std::string_view s);

// One line per problem: "::error file=F,line=L,col=C,title=T::MESSAGE" (::warning for a
// warning; line and col left out when unknown). `file_prefix` is put before every file name
// (the validated directory as given relative to the repository root, "" for none), so
// annotations land on the files of the pull request.
std::string problems_to_github(const Problems& problems, const std::string& file_prefix);

// A SARIF 2.1.0 log of one run: the tool c4confd `version`, one rule per check
// (model/problem_rules.h), one result per problem with its region, file names prefixed as above.
nlohmann::json problems_to_sarif(const Problems& problems, const std::string& file_prefix, const std::string& version);

}  // namespace c4
