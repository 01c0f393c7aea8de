#include "model/loader.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace c4 {
namespace fs = std::filesystem;
namespace {

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::unavailable("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::unavailable("error while reading " + path.string());
  return ss.str();
}

}  // namespace

bool is_manifest_path(const fs::path& relative) {
  for (const auto& part : relative) {
    std::string s = part.string();
    if (!s.empty() && s[0] == '.' && s != "." && s != "..") return false;
  }
  auto ext = relative.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

Result<std::vector<SourceText>> read_manifest_tree(const fs::path& root) {
  std::error_code ec;
  auto status = fs::status(root, ec);
  if (ec || !fs::exists(status)) return Status::invalid(root.string() + ": no such file or directory");

  std::vector<SourceText> out;
  if (fs::is_regular_file(status)) {
    auto text = read_file(root);
    if (!text) return text.status();
    out.push_back({root.filename().string(), std::move(text.value()), ""});
    return out;
  }
  if (!fs::is_directory(status)) return Status::invalid(root.string() + ": not a file or directory");

  std::vector<fs::path> paths;
  fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec);
  if (ec) return Status::unavailable("cannot list " + root.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::unavailable("cannot list " + root.string() + ": " + ec.message());
    fs::path rel = it->path().lexically_relative(root);
    std::string name = it->path().filename().string();
    if (it->is_directory() && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && is_manifest_path(rel)) paths.push_back(rel);
  }
  std::sort(paths.begin(), paths.end());
  out.reserve(paths.size());
  for (const auto& rel : paths) {
    auto text = read_file(root / rel);
    if (!text) return text.status();
    out.push_back({rel.generic_string(), std::move(text.value()), ""});
  }
  return out;
}

}  // namespace c4
