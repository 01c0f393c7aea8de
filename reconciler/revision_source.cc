#include "reconciler/revision_source.h"

#include "common/sha.h"
#include "common/url.h"
#include "model/loader.h"
#include "store/database.h"

namespace c4 {

Result<std::unique_ptr<RevisionSource>> RevisionSource::open_git(GitSourceConfig config, const Limits& limits) {
  auto git = GitSource::open(std::move(config));
  if (!git) return git.status();
  auto source = std::unique_ptr<RevisionSource>(new RevisionSource());
  source->git_ = std::move(git.value());
  source->limits_ = limits;
  return source;
}

std::unique_ptr<RevisionSource> RevisionSource::open_directory(std::filesystem::path directory, const Limits& limits) {
  auto source = std::unique_ptr<RevisionSource>(new RevisionSource());
  source->directory_ = std::move(directory);
  source->limits_ = limits;
  return source;
}

Status RevisionSource::fetch() { return git_ ? git_->fetch() : Status::ok(); }

Result<DesiredRevision> RevisionSource::load(const std::string& rev) {
  DesiredRevision out;
  if (!git_) {
    if (!rev.empty()) return Status::invalid("a directory has no revisions; --against needs a Git repository");
    auto files = read_manifest_tree(directory_, limits_);
    if (!files) return files.status();
    Sha256 tree;
    for (const auto& f : *files) {
      tree.update(f.path);
      tree.update(std::string(1, '\0'));
      tree.update(sha256_hex(f.text));
      tree.update(f.not_read);  // a file not read has no text: its reason tells it apart
    }
    out.commit.id = "dir:" + tree.hex();
    out.source = "dir:" + std::filesystem::absolute(directory_).lexically_normal().string();
    out.files = std::move(files.value());
    return out;
  }
  auto snap = git_->snapshot(rev);
  if (!snap) return snap.status();
  auto files = git_->read_files(*snap, blob_cache_, limits_);
  if (!files) return files.status();
  const auto& cfg = git_->config();
  out.commit = snap->commit;
  out.source = redact_url(cfg.url) + "#" + cfg.branch + (snap->sub_path.empty() ? "" : ":" + snap->sub_path);
  out.files = std::move(files.value());
  return out;
}

}  // namespace c4
