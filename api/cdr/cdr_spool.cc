#include "api/cdr/cdr_spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace c4::cdr {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kSpoolPrefix = "cdrs-";
constexpr const char* kRejectedPrefix = "rejected-";
constexpr const char* kSuffix = ".jsonl";

std::string errno_text() { return std::strerror(errno); }

Status fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::unavailable("opening CDR spool directory " + dir + ": " + errno_text());
  int rc = ::fsync(fd);
  std::string why = rc == 0 ? "" : errno_text();
  ::close(fd);
  if (rc != 0) return Status::unavailable("fsync of CDR spool directory " + dir + ": " + why);
  return Status::ok();
}

// Writes all of `data` at the end of `fd`.
bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The sequence number of a file named prefix + 16 hex digits + suffix, or nullopt.
std::optional<uint64_t> sequence_of(const std::string& name, const std::string& prefix) {
  std::string suffix = kSuffix;
  if (name.size() != prefix.size() + 16 + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return std::nullopt;
  std::string hex = name.substr(prefix.size(), 16);
  if (hex.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  return std::stoull(hex, nullptr, 16);
}

// The complete lines of the file at `path` that are spool records; a cut-short tail is skipped.
std::vector<CdrRecord> read_records(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  std::vector<CdrRecord> records;
  size_t start = 0;
  for (size_t nl; (nl = all.find('\n', start)) != std::string::npos; start = nl + 1)
    if (auto r = parse_spool_line(std::string_view(all).substr(start, nl - start))) records.push_back(std::move(*r));
  return records;
}

template <typename T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

template <typename T>
std::optional<T> optional_of(const json& doc, const char* name) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  return it->get<T>();
}

}  // namespace

std::string spool_line(const CdrRecord& r) {
  json doc = {{"ingest_key", r.ingest_key},          {"tenant_uuid", r.tenant_uuid},
              {"carrier_trunk_id", or_null(r.carrier_trunk_id)}, {"ipbx_id", or_null(r.ipbx_id)},
              {"source_ip", or_null(r.source_ip)},   {"source_port", or_null(r.source_port)},
              {"call_id", r.call_id},                {"from_uri", or_null(r.from_uri)},
              {"to_uri", or_null(r.to_uri)},         {"call_start_us", or_null(r.call_start_us)},
              {"duration", or_null(r.duration)}};
  // Strict: the strings came out of a JSON parser, so they are valid UTF-8 and kept byte for byte.
  return doc.dump() + "\n";
}

std::optional<CdrRecord> parse_spool_line(std::string_view line) {
  json doc = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  try {
    CdrRecord r;
    r.ingest_key = doc.at("ingest_key").get<std::string>();
    r.tenant_uuid = doc.at("tenant_uuid").get<std::string>();
    r.carrier_trunk_id = optional_of<int64_t>(doc, "carrier_trunk_id");
    r.ipbx_id = optional_of<int64_t>(doc, "ipbx_id");
    r.source_ip = optional_of<std::string>(doc, "source_ip");
    r.source_port = optional_of<int32_t>(doc, "source_port");
    r.call_id = doc.at("call_id").get<std::string>();
    r.from_uri = optional_of<std::string>(doc, "from_uri");
    r.to_uri = optional_of<std::string>(doc, "to_uri");
    r.call_start_us = optional_of<int64_t>(doc, "call_start_us");
    r.duration = optional_of<int32_t>(doc, "duration");
    if (r.ingest_key.empty()) return std::nullopt;
    return r;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

Result<std::unique_ptr<CdrSpool>> CdrSpool::open(CdrSpoolOptions options) {
  if (options.dir.empty()) return Status::invalid("the CDR spool needs a directory");
  std::unique_ptr<CdrSpool> spool(new CdrSpool(std::move(options)));
  const std::string& dir = spool->options_.dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::invalid("CDR spool directory " + dir + ": cannot be created: " + ec.message());
  ::chmod(dir.c_str(), 0700);  // CDRs are personal data
  std::string lock = dir + "/lock";
  spool->lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (spool->lock_fd_ < 0) return Status::invalid("CDR spool directory " + dir + ": cannot be written: " + errno_text());
  if (::flock(spool->lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return Status::invalid("CDR spool directory " + dir + ": in use by another process (one process per directory)");
  if (Status s = spool->scan(); !s) return s;
  return spool;
}

CdrSpool::~CdrSpool() {
  if (active_fd_ >= 0) ::close(active_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Status CdrSpool::scan() {
  std::error_code ec;
  std::vector<std::pair<uint64_t, std::string>> found;
  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
    std::string name = entry.path().filename().string();
    if (auto rejected = sequence_of(name, kRejectedPrefix)) next_sequence_ = std::max(next_sequence_, *rejected + 1);
    auto sequence = sequence_of(name, kSpoolPrefix);
    if (!sequence) continue;
    found.emplace_back(*sequence, entry.path().string());
    next_sequence_ = std::max(next_sequence_, *sequence + 1);
    bytes_ += fs::file_size(entry.path(), ec);
    records_ += read_records(entry.path().string()).size();
  }
  if (ec) return Status::invalid("CDR spool directory " + options_.dir + ": cannot be read: " + ec.message());
  std::sort(found.begin(), found.end());
  for (auto& [sequence, path] : found) sealed_.push_back(std::move(path));
  return Status::ok();
}

std::string CdrSpool::file_name(const char* prefix, uint64_t sequence) const {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(sequence));
  return options_.dir + "/" + prefix + hex + kSuffix;
}

Status CdrSpool::open_active() {
  std::string path = file_name(kSpoolPrefix, next_sequence_++);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::unavailable("creating CDR spool file " + path + ": " + errno_text());
  // The new name must be durable too, or a crash could lose the file with its records.
  if (Status s = fsync_dir(options_.dir); !s) {
    ::close(fd);
    ::unlink(path.c_str());
    return s;
  }
  active_fd_ = fd;
  active_path_ = path;
  active_bytes_ = active_records_ = 0;
  return Status::ok();
}

void CdrSpool::seal_active() {
  if (active_fd_ < 0) return;
  ::close(active_fd_);
  active_fd_ = -1;
  if (active_records_ > 0 || active_bytes_ > 0) sealed_.push_back(active_path_);
  else ::unlink(active_path_.c_str());
}

Status CdrSpool::append(const std::vector<const CdrRecord*>& records) {
  std::string data;
  for (const CdrRecord* r : records) data += spool_line(*r);
  if (bytes_ + data.size() > options_.max_bytes)
    return Status::unavailable("the CDR spool is full (" + std::to_string(bytes_.load()) + " of " +
                               std::to_string(options_.max_bytes) + " bytes)");
  if (active_fd_ >= 0 && active_bytes_ >= options_.max_file_bytes) seal_active();
  if (active_fd_ < 0)
    if (Status s = open_active(); !s) return s;
  if (!write_all(active_fd_, data) || ::fdatasync(active_fd_) != 0) {
    std::string why = errno_text();
    // Nothing of these records may stay half-written; if the file cannot be cut back, it is
    // sealed as it is (a partial last line is ignored when it is read).
    if (::ftruncate(active_fd_, static_cast<off_t>(active_bytes_)) != 0 || ::fdatasync(active_fd_) != 0) seal_active();
    return Status::unavailable("writing the CDR spool file " + active_path_ + ": " + why);
  }
  active_bytes_ += data.size();
  active_records_ += records.size();
  bytes_ += data.size();
  records_ += records.size();
  return Status::ok();
}

Result<std::optional<CdrSpool::File>> CdrSpool::oldest() {
  if (sealed_.empty()) {
    if (active_records_ == 0) return std::optional<File>();
    seal_active();
  }
  File file;
  file.path = sealed_.front();
  std::error_code ec;
  file.bytes = fs::file_size(file.path, ec);
  if (ec) return Status::unavailable("reading CDR spool file " + file.path + ": " + ec.message());
  file.records = read_records(file.path);
  return std::optional<File>(std::move(file));
}

Status CdrSpool::remove(const File& file) {
  if (::unlink(file.path.c_str()) != 0 && errno != ENOENT)
    return Status::unavailable("removing CDR spool file " + file.path + ": " + errno_text());
  if (Status s = fsync_dir(options_.dir); !s) return s;
  sealed_.erase(std::remove(sealed_.begin(), sealed_.end(), file.path), sealed_.end());
  bytes_ -= std::min<uint64_t>(bytes_, file.bytes);
  records_ -= std::min<uint64_t>(records_, file.records.size());
  return Status::ok();
}

Status CdrSpool::set_aside(const CdrRecord& record, const std::string& why) {
  std::string path = file_name(kRejectedPrefix, next_sequence_++);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::unavailable("creating " + path + ": " + errno_text());
  json line = json::parse(spool_line(record));
  line["refused_because"] = why;
  bool ok = write_all(fd, line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n") && ::fdatasync(fd) == 0;
  std::string failed = ok ? "" : errno_text();
  ::close(fd);
  if (!ok) return Status::unavailable("writing " + path + ": " + failed);
  return fsync_dir(options_.dir);
}

}  // namespace c4::cdr
