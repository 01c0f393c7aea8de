// URLs as they may appear in logs, errors and revision rows.
#pragma once

#include <string>

namespace c4 {

// `url` with every password it carries replaced by "***": the one of its user info
// ("scheme://user:PASSWORD@host", the password running up to the first '@' even when it holds
// a '/' it should have escaped), and the value of a `password=` query parameter (libpq reads
// "postgresql://host/db?password=…"). Anything that is not "scheme://…" is returned as it
// is. Errs toward hiding: text that merely looks like a password is hidden too.
std::string redact_url(const std::string& url);

}  // namespace c4
