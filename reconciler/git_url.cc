#include "reconciler/git_url.h"

#include <cctype>
#include <sstream>

#include "common/url.h"

namespace c4 {
namespace fs = std::filesystem;
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

fs::path local_path(const std::string& url) {
  if (starts_with(url, "file://")) return fs::path(url.substr(7));
  if (starts_with(url, "/")) return fs::path(url);
  return {};
}

Status check_url(const std::string& url) {
  if (url.empty()) return Status::invalid("Git URL is empty");
  for (char c : url)
    if (std::iscntrl(static_cast<unsigned char>(c)) || c == ' ')
      return Status::invalid("Git URL '" + redact_url(url) + "' contains spaces or control characters");
  for (std::string_view scheme : {"file://", "http://", "https://", "git://"}) {
    if (starts_with(url, scheme)) {
      if (url.size() == scheme.size()) break;
      return Status::ok();
    }
  }
  if (url[0] == '/' || !ssh_endpoint(url).host.empty()) return Status::ok();
  return Status::invalid("unsupported Git URL '" + redact_url(url) +
                         "' (expected file://, an absolute path, https://, ssh:// or user@host:path)");
}

Result<std::string> normalize_sub_path(const std::string& sub_path) {
  std::string out;
  std::istringstream in(sub_path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") return Status::invalid("sub-path '" + sub_path + "' must not contain '..'");
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

SshEndpoint ssh_endpoint(std::string_view url) {
  SshEndpoint out;
  for (std::string_view scheme : {"ssh://", "ssh+git://", "git+ssh://"}) {
    if (!starts_with(url, scheme)) continue;
    std::string_view rest = url.substr(scheme.size());
    rest = rest.substr(0, rest.find('/'));
    if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    std::string_view port;
    if (starts_with(rest, "[")) {
      auto close = rest.find(']');
      if (close == std::string_view::npos) return {};
      out.host = std::string(rest.substr(1, close - 1));
      if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
    } else {
      auto colon = rest.find(':');
      out.host = std::string(rest.substr(0, colon));
      if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    }
    if (!port.empty()) {
      int p = 0;
      for (char c : port) {
        if (c < '0' || c > '9' || p > 65535) return {};
        p = p * 10 + (c - '0');
      }
      if (p <= 0 || p > 65535) return {};
      out.port = p;
    }
    return out;
  }
  // scp form: [user@]host:path, where no '/' comes before the ':' (else it is a local path)
  // and a bracketed IPv6 host may hold colons.
  if (url.find("://") != std::string_view::npos) return {};
  size_t colon = std::string_view::npos;
  int depth = 0;
  for (size_t i = 0; i < url.size() && colon == std::string_view::npos; ++i) {
    if (url[i] == '/') return {};
    if (url[i] == '[') ++depth;
    if (url[i] == ']') --depth;
    if (url[i] == ':' && depth == 0) colon = i;
  }
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string_view host = url.substr(0, colon);
  if (auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (starts_with(host, "[") && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return {};
  out.host = std::string(host);
  return out;
}

}  // namespace c4
