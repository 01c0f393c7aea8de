// Manifest names for old rows, which had free-text names (or none) and integer ids.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace c4::importer {

// A manifest name made of `text`: lower-cased, every run of '-' and of bytes other than
// [a-z0-9._] (spaces, quotes, CR/LF, any non-ASCII) becomes one '-', trimmed to 64
// characters that start and end with a letter or digit. "" when nothing of `text` is usable.
std::string slug(std::string_view text);

// Names already given within one scope (a kind in a tenant, or the tenants), so two old rows
// whose names slug alike ("ACME" and "acme ") get distinct names.
class NameBook {
 public:
  // slug(wanted), else `fallback` when the slug is empty; when taken, "-<id>" is appended
  // (the base shortened to keep 64 characters). The result matches the manifest name pattern
  // and is unique in this book. REQUIRES: `fallback` is a valid name.
  std::string claim(std::string_view wanted, const std::string& fallback, long long id);

 private:
  std::set<std::string> taken_;
};

// A secret's environment variable: `prefix` then the upper-cased parts, every byte other than
// [A-Z0-9] as '_' (C4_SECRET_ + "acme", "ipbx", "lyon-pbx" → C4_SECRET_ACME_IPBX_LYON_PBX).
std::string env_name(const std::string& prefix, std::initializer_list<std::string_view> parts);

}  // namespace c4::importer
