#include "common/url.h"

#include <cctype>
#include <string_view>

namespace c4 {
namespace {

// Length of the scheme ("postgresql", "git+ssh") that `url` starts with, followed by "://"; 0 if none.
size_t scheme_length(std::string_view url) {
  size_t n = 0;
  while (n < url.size() && (std::isalnum(static_cast<unsigned char>(url[n])) || url[n] == '+' || url[n] == '.' ||
                            url[n] == '-'))
    ++n;
  bool letter_first = n > 0 && std::isalpha(static_cast<unsigned char>(url[0]));
  return letter_first && url.substr(n, 3) == "://" ? n : 0;
}

// Replaces the value of each `password=` parameter of the query part that starts at `from`.
void redact_password_parameters(std::string& url, size_t from) {
  for (size_t at = url.find("password=", from); at != std::string::npos; at = url.find("password=", at + 1)) {
    if (url[at - 1] != '?' && url[at - 1] != '&') continue;
    size_t start = at + 9, end = url.find_first_of("&#", start);
    url.replace(start, end == std::string::npos ? std::string::npos : end - start, "***");
  }
}

}  // namespace

std::string redact_url(const std::string& url) {
  size_t scheme = scheme_length(url);
  if (scheme == 0) return url;
  std::string out = url;
  size_t user = scheme + 3;
  size_t colon = out.find_first_of(":/@?#", user);
  if (colon != std::string::npos && out[colon] == ':') {
    size_t at = out.find('@', colon);
    if (at != std::string::npos) out.replace(colon + 1, at - colon - 1, "***");
  }
  if (size_t query = out.find('?', user); query != std::string::npos) redact_password_parameters(out, query);
  return out;
}

}  // namespace c4
