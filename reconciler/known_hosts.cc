#include "reconciler/known_hosts.h"

#include <algorithm>
#include <vector>

#include "common/base64.h"
#include "common/sha.h"
#include "common/text.h"

namespace c4 {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// OpenSSH's pattern matching: '*' any run of characters, '?' one character.
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Whether the host field of a known_hosts line ("a,b,!c", or one hashed "|1|salt|hash") names
// `name`.
bool host_field_matches(std::string_view field, const std::string& name) {
  if (starts_with(field, "|1|")) {
    field.remove_prefix(3);
    auto bar = field.find('|');
    if (bar == std::string_view::npos) return false;
    auto salt = base64_decode(field.substr(0, bar));
    auto hash = base64_decode(field.substr(bar + 1));
    return salt && hash && hmac_sha1_raw(*salt, name) == *hash;
  }
  bool matched = false;
  size_t start = 0;
  while (start <= field.size()) {
    size_t comma = field.find(',', start);
    if (comma == std::string_view::npos) comma = field.size();
    std::string_view pattern = field.substr(start, comma - start);
    start = comma + 1;
    bool negated = !pattern.empty() && pattern[0] == '!';
    if (negated) pattern.remove_prefix(1);
    if (pattern.empty() || !glob_match(ascii_lower(pattern), name)) continue;
    if (negated) return false;  // a negated match vetoes the whole line
    matched = true;
  }
  return matched;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// Walks the entries of `text` that apply to host:port; `key_matches` says whether an entry's
// decoded key blob is the presented key.
template <typename KeyMatches>
bool known_hosts_check(std::string_view text, std::string_view host, int port, KeyMatches key_matches) {
  const std::string name = known_hosts_name(host, port);
  bool accepted = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto fields = split_fields(line);
    if (fields.empty() || fields[0][0] == '#') continue;
    std::string_view marker;
    if (fields[0][0] == '@') {
      marker = fields[0];
      fields.erase(fields.begin());
    }
    if (fields.size() < 3 || marker == "@cert-authority") continue;
    if (!marker.empty() && marker != "@revoked") continue;  // unknown marker: ignore the line
    if (!host_field_matches(fields[0], name)) continue;
    auto blob = base64_decode(fields[2]);
    if (!blob || !key_matches(*blob)) continue;
    if (marker == "@revoked") return false;
    accepted = true;
  }
  return accepted;
}

// The key type a wire-format key blob starts with ("ssh-ed25519"), or "".
std::string blob_key_type(std::string_view blob) {
  if (blob.size() < 4) return "";
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(blob[i]);
  if (n > blob.size() - 4) return "";
  return std::string(blob.substr(4, n));
}

}  // namespace

std::string known_hosts_refusal_hint(std::string_view text, std::string_view host, int port,
                                     std::string_view presented_blob) {
  std::vector<std::string> types;
  known_hosts_check(text, host, port, [&](const std::string& blob) {
    std::string t = blob_key_type(blob);
    if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    return false;
  });
  if (types.empty()) return "no entry for this host";
  std::string listed;
  for (const auto& t : types) listed += (listed.empty() ? "" : ", ") + t;
  std::string presented = blob_key_type(presented_blob);
  if (!presented.empty() && std::find(types.begin(), types.end(), presented) == types.end())
    return "the server presented a key of type " + presented + " and the file lists only " + listed +
           " for this host: add every key `ssh-keyscan` shows";
  return "the key differs from the " + listed + " key(s) listed for this host";
}

std::string known_hosts_name(std::string_view host, int port) {
  std::string h = ascii_lower(host);
  if (port <= 0 || port == 22) return h;
  return "[" + h + "]:" + std::to_string(port);
}

bool known_hosts_accepts(std::string_view known_hosts_text, std::string_view host, int port,
                         std::string_view key_blob) {
  if (key_blob.empty()) return false;
  return known_hosts_check(known_hosts_text, host, port,
                           [&](const std::string& blob) { return blob == key_blob; });
}

bool known_hosts_accepts_sha256(std::string_view known_hosts_text, std::string_view host, int port,
                                const std::array<uint8_t, 32>& key_sha256) {
  return known_hosts_check(known_hosts_text, host, port,
                           [&](const std::string& blob) { return sha256_raw(blob) == key_sha256; });
}

}  // namespace c4
