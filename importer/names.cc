#include "importer/names.h"

namespace c4::importer {
namespace {

constexpr size_t kMaxName = 64;

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Drops leading and trailing bytes that are not a letter or digit.
std::string trim_to_alnum(std::string s) {
  size_t b = 0, e = s.size();
  while (b < e && !alnum(s[b])) ++b;
  while (e > b && !alnum(s[e - 1])) --e;
  return s.substr(b, e - b);
}

}  // namespace

std::string slug(std::string_view text) {
  std::string out;
  for (char raw : text) {
    char c = (raw >= 'A' && raw <= 'Z') ? static_cast<char>(raw - 'A' + 'a') : raw;
    // Every run of separators and unusable bytes is one '-' ("a - b" → "a-b", not "a---b").
    if (alnum(c) || c == '.' || c == '_')
      out.push_back(c);
    else if (out.empty() || out.back() != '-')
      out.push_back('-');
  }
  out = trim_to_alnum(std::move(out));
  if (out.size() > kMaxName) out = trim_to_alnum(out.substr(0, kMaxName));
  return out;
}

std::string NameBook::claim(std::string_view wanted, const std::string& fallback, long long id) {
  std::string base = slug(wanted);
  if (base.empty()) base = fallback;
  if (taken_.insert(base).second) return base;
  std::string suffix = "-" + std::to_string(id);
  for (int attempt = 0;; ++attempt) {
    std::string s = suffix + (attempt ? "-" + std::to_string(attempt) : "");
    std::string name = trim_to_alnum(base.substr(0, kMaxName - s.size())) + s;
    if (taken_.insert(name).second) return name;
  }
}

std::string env_name(const std::string& prefix, std::initializer_list<std::string_view> parts) {
  std::string out = prefix;
  bool first = true;
  for (auto part : parts) {
    if (!first) out.push_back('_');
    first = false;
    for (char c : part) {
      char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      out.push_back((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ? u : '_');
    }
  }
  return out;
}

}  // namespace c4::importer
