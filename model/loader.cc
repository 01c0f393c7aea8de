#include "model/loader.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace c4 {
namespace fs = std::filesystem;
namespace {

// Reads at most `size` bytes (the size listed before reading): a file that grows meanwhile
// cannot go over the limits its size was checked against.
Result<std::string> read_file(const fs::path& path, uint64_t size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::unavailable("cannot read " + path.string());
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.bad()) return Status::unavailable("error while reading " + path.string());
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

struct Listed {
  fs::path rel;
  uint64_t size = 0;
  bool symlink = false;
};

// Every manifest path under `root`, symbolic links included but never followed.
Result<std::vector<Listed>> list_tree(const fs::path& root) {
  std::vector<Listed> listed;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec) return Status::unavailable("cannot list " + root.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::unavailable("cannot list " + root.string() + ": " + ec.message());
    fs::path rel = it->path().lexically_relative(root);
    std::string name = it->path().filename().string();
    bool symlink = it->is_symlink(ec);
    if (!symlink && it->is_directory(ec) && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (!is_manifest_path(rel)) continue;
    if (symlink) {
      listed.push_back({rel, 0, true});
    } else if (it->is_regular_file(ec)) {
      uint64_t size = it->file_size(ec);
      if (ec) return Status::unavailable("cannot read the size of " + it->path().string() + ": " + ec.message());
      listed.push_back({rel, size, false});
    }
  }
  std::sort(listed.begin(), listed.end(), [](const Listed& a, const Listed& b) { return a.rel < b.rel; });
  return listed;
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

Result<std::vector<SourceText>> read_manifest_tree(const fs::path& root, const Limits& limits) {
  std::error_code ec;
  auto status = fs::status(root, ec);
  if (ec || !fs::exists(status)) return Status::invalid(root.string() + ": no such file or directory");

  std::vector<SourceText> out;
  if (fs::is_regular_file(status)) {
    // The file named on the command line is read even through a link: the operator chose it.
    uint64_t size = fs::file_size(root, ec);
    if (ec) return Status::unavailable("cannot read the size of " + root.string() + ": " + ec.message());
    SourceText source;
    source.path = root.filename().string();
    if (auto decision = decide_reads({size}, limits).front(); !decision.read) {
      source.not_read = decision.refused;
    } else {
      auto text = read_file(root, size);
      if (!text) return text.status();
      source.text = std::move(text.value());
    }
    out.push_back(std::move(source));
    return out;
  }
  if (!fs::is_directory(status)) return Status::invalid(root.string() + ": not a file or directory");

  auto listed = list_tree(root);
  if (!listed) return listed.status();
  std::vector<uint64_t> sizes;
  for (const auto& l : *listed) sizes.push_back(l.size);
  auto decisions = decide_reads(sizes, limits);
  out.reserve(listed->size());
  for (size_t i = 0; i < listed->size(); ++i) {
    const Listed& l = (*listed)[i];
    if (decisions[i].omitted) break;
    SourceText source;
    source.path = l.rel.generic_string();
    if (l.symlink) {
      source.not_read = kSymlinkNotFollowed;
      source.not_read_is_error = false;
    } else if (!decisions[i].read) {
      source.not_read = decisions[i].refused;
    } else {
      auto text = read_file(root / l.rel, l.size);
      if (!text) return text.status();
      source.text = std::move(text.value());
    }
    out.push_back(std::move(source));
  }
  return out;
}

}  // namespace c4
