#include "model/file_validation_store.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "common/build_id.h"
#include "common/sha.h"
#include "model/file_validation_codec.h"

namespace c4 {
namespace {

constexpr const char* kSuffix = ".c4fv";

// The entry's header: what it was made by and for, checked again on load (a file name is only
// a hash of it).
std::string header(const std::string& identity, const std::string& key) {
  std::string h = identity;
  h.push_back('\n');
  h += key;
  h.push_back('\n');
  return h;
}

std::optional<std::string> read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(bytes).str();
}

}  // namespace

Result<FileValidationStore> FileValidationStore::open(std::filesystem::path dir, const Limits& limits) {
  const std::string& build = program_build_id();
  if (build.empty()) return Status::unavailable("this c4confd was linked without a build id: no validation results are kept");
  std::string identity = "c4confd " + build + " limits";
  for (uint64_t v : {limits.max_file_bytes, limits.max_revision_bytes, limits.max_yaml_nodes,
                     limits.max_alias_expansions, limits.max_numbers, limits.max_redis_keys})
    identity += " " + std::to_string(v);
  return FileValidationStore(std::move(dir), std::move(identity));
}

std::string FileValidationStore::entry_name(const std::string& key) const {
  return sha256_hex(header(identity_, key)) + kSuffix;
}

size_t FileValidationStore::load(const std::vector<SourceText>& sources, FileValidationCache& cache) {
  size_t found = 0;
  for (const auto& source : sources) {
    if (source.content_id.empty() || !source.not_read.empty()) continue;
    std::string key = FileValidationCache::key(source);
    std::string name = entry_name(key);
    used_.insert(name);
    if (cache.find(source)) continue;
    auto bytes = read_whole(dir_ / name);
    if (!bytes) continue;
    std::string expected = header(identity_, key);
    if (bytes->compare(0, expected.size(), expected) != 0) continue;
    auto result = decode_file_validation(std::string_view(*bytes).substr(expected.size()));
    if (!result) continue;
    cache.insert(key, std::make_shared<const FileValidation>(std::move(*result)));
    ++found;
  }
  return found;
}

Result<size_t> FileValidationStore::save(const FileValidationCache& cache) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::unavailable("creating " + dir_.string() + ": " + ec.message());
  size_t written = 0;
  for (const auto& [key, result] : cache.entries()) {
    std::string name = entry_name(key);
    used_.insert(name);
    if (std::filesystem::exists(dir_ / name, ec)) continue;
    std::filesystem::path tmp = dir_ / (name + ".tmp" + std::to_string(::getpid()));
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << header(identity_, key) << encode_file_validation(*result);
      out.close();
      if (!out) {
        std::filesystem::remove(tmp, ec);
        return Status::unavailable("writing " + tmp.string() + " failed");
      }
    }
    std::filesystem::rename(tmp, dir_ / name, ec);
    if (ec) {
      std::filesystem::remove(tmp, ec);
      return Status::unavailable("renaming " + tmp.string() + ": " + ec.message());
    }
    ++written;
  }
  return written;
}

void FileValidationStore::prune() {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.ends_with(kSuffix) && !used_.count(name)) std::filesystem::remove(it->path(), ec);
  }
}

}  // namespace c4
