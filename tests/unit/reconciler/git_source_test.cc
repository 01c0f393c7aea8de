// GitSource against real repositories built with the git command line in temporary
// directories (file:// URLs: there is no network in tests), and the known_hosts matcher.
#include "reconciler/git_source.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include <openssl/evp.h>

namespace c4 {
namespace {
namespace fs = std::filesystem;

// A temporary directory removed (with its content) when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "c4-git-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs a shell command and returns its standard output; fails the test on a non-zero exit.
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = pclose(pipe);
  INFO(command);
  REQUIRE(rc == 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string tenant(const std::string& name) {
  return "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: " + name + "}\n";
}

// A working repository whose history is:
//   first:  config/tenants/a.yaml, config/tenants/b.yaml, config/tenants/c.yml,
//           config/.hidden/h.yaml, config/README.md, other/outside.yaml
//   second: a.yaml edited, b.yaml renamed to config/tenants/b2.yaml, c.yml deleted
class Fixture {
 public:
  Fixture() : work_(dir_.path() / "work"), cache_(dir_.path() / "cache") {
    fs::create_directories(work_);
    git("init -q -b main");
    git("config user.name 'Ada Lovelace'");
    git("config user.email ada@example.org");
    git("config commit.gpgsign false");
    write("config/tenants/a.yaml", tenant("a"));
    write("config/tenants/b.yaml", tenant("b"));
    write("config/tenants/c.yml", tenant("c"));
    write("config/.hidden/h.yaml", tenant("h"));
    write("config/README.md", "not a manifest\n");
    write("other/outside.yaml", tenant("outside"));
    commit("first revision");
    write("config/tenants/a.yaml", tenant("a") + "# edited\n");
    git("mv config/tenants/b.yaml config/tenants/b2.yaml");
    git("rm -q config/tenants/c.yml");
    commit("second revision\n\nwith a body");
  }

  std::string git(const std::string& args) { return run("git -C '" + work_.string() + "' " + args); }
  void write(const std::string& rel, const std::string& text) { write_file(work_ / rel, text); }
  void commit(const std::string& message) {
    git("add -A");
    write_file(dir_.path() / "msg", message);
    git("commit -q -F '" + (dir_.path() / "msg").string() + "'");
  }

  std::string url() const { return "file://" + work_.string(); }
  GitSourceConfig config(const std::string& sub_path = "") const {
    GitSourceConfig c;
    c.url = url();
    c.branch = "main";
    c.sub_path = sub_path;
    c.cache_dir = cache_;
    return c;
  }
  std::unique_ptr<GitSource> fetched(const std::string& sub_path = "") {
    auto src = GitSource::open(config(sub_path));
    REQUIRE_MESSAGE(src.is_ok(), src.status().to_string());
    auto st = (*src)->fetch();
    REQUIRE_MESSAGE(st.is_ok(), st.to_string());
    return std::move(src.value());
  }

  const fs::path& work() const { return work_; }
  const fs::path& root() const { return dir_.path(); }

 private:
  TempDir dir_;
  fs::path work_;
  fs::path cache_;
};

std::vector<std::string> paths_of(const GitSnapshot& snap) {
  std::vector<std::string> out;
  for (const auto& f : snap.files) out.push_back(f.path);
  return out;
}

GitSnapshot snapshot_of(GitSource& src, const std::string& rev = "") {
  auto snap = src.snapshot(rev);
  REQUIRE_MESSAGE(snap.is_ok(), snap.status().to_string());
  return std::move(snap.value());
}

}  // namespace

TEST_CASE("GitSourceFetchesBranchAndDescribesTipCommit") {
  Fixture fx;
  auto src = fx.fetched();
  GitSnapshot snap = snapshot_of(*src);
  CHECK(snap.commit.id == fx.git("rev-parse HEAD"));
  CHECK(snap.commit.parent == fx.git("rev-parse HEAD~1"));
  CHECK(snap.commit.author == "Ada Lovelace");
  CHECK(snap.commit.author_email == "ada@example.org");
  CHECK(snap.commit.message == "second revision\n\nwith a body\n");
  CHECK(snap.commit.time == std::stoll(fx.git("log -1 --format=%ct")));
  // Hidden directories and non-YAML files are not manifests; the whole tree is listed.
  CHECK(paths_of(snap) == std::vector<std::string>{"config/tenants/a.yaml", "config/tenants/b2.yaml",
                                                   "other/outside.yaml"});
  CHECK(snap.files[0].blob_id == fx.git("rev-parse HEAD:config/tenants/a.yaml"));
}

TEST_CASE("GitSourceSubPathLimitsFilesAndPathsAreRelativeToIt") {
  Fixture fx;
  auto src = fx.fetched("/config/");
  GitSnapshot snap = snapshot_of(*src);
  CHECK(snap.sub_path == "config");
  CHECK(paths_of(snap) == std::vector<std::string>{"tenants/a.yaml", "tenants/b2.yaml"});
  std::unordered_map<std::string, std::string> cache;
  auto texts = src->read_files(snap, cache);
  REQUIRE(texts.is_ok());
  REQUIRE(texts->size() == 2);
  // SourceText paths are relative to the repository root, as messages show them.
  CHECK((*texts)[0].path == "config/tenants/a.yaml");
  CHECK((*texts)[0].text == tenant("a") + "# edited\n");
  CHECK((*texts)[1].path == "config/tenants/b2.yaml");
  CHECK((*texts)[1].text == tenant("b"));
}

TEST_CASE("GitSourceSnapshotAtPreviousRevision") {
  Fixture fx;
  fx.git("tag v1 HEAD~1");
  fx.git("tag -a v2 -m 'release 2' HEAD");
  auto src = fx.fetched("config");
  GitSnapshot old = snapshot_of(*src, "HEAD~1");
  CHECK(old.commit.id == fx.git("rev-parse HEAD~1"));
  CHECK(old.commit.parent.empty());
  CHECK(old.commit.message == "first revision\n");
  CHECK(paths_of(old) == std::vector<std::string>{"tenants/a.yaml", "tenants/b.yaml", "tenants/c.yml"});
  // A commit id and the remote-tracking name resolve too.
  CHECK(snapshot_of(*src, old.commit.id).commit.id == old.commit.id);
  CHECK(snapshot_of(*src, "origin/main").commit.id == fx.git("rev-parse HEAD"));
  // Tags pointing into the branch are fetched with it; an annotated tag peels to its commit.
  CHECK(snapshot_of(*src, "v1").commit.id == old.commit.id);
  CHECK(snapshot_of(*src, "v2").commit.id == fx.git("rev-parse HEAD"));
  CHECK(src->snapshot("no-such-rev").status().code() == Status::Code::invalid);
  // A rev naming a blob is not a commit.
  CHECK(src->snapshot("HEAD:config/tenants/a.yaml").status().code() == Status::Code::invalid);
}

TEST_CASE("GitSourceReadFilesReadsOnlyChangedBlobs") {
  Fixture fx;
  auto src = fx.fetched("config");
  std::unordered_map<std::string, std::string> cache;

  GitSnapshot old = snapshot_of(*src, "HEAD~1");
  auto first = src->read_files(old, cache);
  REQUIRE(first.is_ok());
  CHECK(first->size() == 3);
  CHECK(src->blobs_read() == 3);
  CHECK(cache.size() == 3);

  // a.yaml changed, b.yaml was renamed (same blob), c.yml deleted: one blob to read.
  GitSnapshot tip = snapshot_of(*src);
  auto second = src->read_files(tip, cache);
  REQUIRE(second.is_ok());
  CHECK(second->size() == 2);
  CHECK(src->blobs_read() == 4);
  CHECK(cache.size() == 2);  // the old a.yaml and c.yml blobs are dropped
  CHECK(cache.count(tip.files[0].blob_id) == 1);
  CHECK(cache.count(tip.files[1].blob_id) == 1);

  // The same revision again reads nothing.
  auto third = src->read_files(tip, cache);
  REQUIRE(third.is_ok());
  CHECK(src->blobs_read() == 4);
}

TEST_CASE("GitSourceReadBlobReturnsContentOrNotFound") {
  Fixture fx;
  auto src = fx.fetched();
  auto text = src->read_blob(fx.git("rev-parse HEAD:other/outside.yaml"));
  REQUIRE(text.is_ok());
  CHECK(*text == tenant("outside"));
  auto missing = src->read_blob(std::string(40, '0'));
  CHECK(missing.status().code() == Status::Code::not_found);
  CHECK(src->read_blob("not-an-id").status().code() == Status::Code::invalid);
}

TEST_CASE("GitSourceFetchSeesNewCommit") {
  Fixture fx;
  auto src = fx.fetched();
  std::string before = snapshot_of(*src).commit.id;
  fx.write("config/tenants/d.yaml", tenant("d"));
  fx.commit("third revision");
  // Until the next fetch the cache still has the old tip.
  CHECK(snapshot_of(*src).commit.id == before);
  REQUIRE(src->fetch().is_ok());
  GitSnapshot snap = snapshot_of(*src);
  CHECK(snap.commit.id == fx.git("rev-parse HEAD"));
  CHECK(snap.commit.parent == before);
  CHECK(paths_of(snap).size() == 4);
}

TEST_CASE("GitSourceReopensExistingCacheWithoutFetching") {
  Fixture fx;
  std::string tip = snapshot_of(*fx.fetched()).commit.id;
  auto again = GitSource::open(fx.config());
  REQUIRE(again.is_ok());
  CHECK(snapshot_of(**again).commit.id == tip);
  CHECK(snapshot_of(**again, "HEAD~1").commit.id == fx.git("rev-parse HEAD~1"));
}

TEST_CASE("GitSourceMissingBranchIsInvalid") {
  Fixture fx;
  GitSourceConfig cfg = fx.config();
  cfg.branch = "does-not-exist";
  auto src = GitSource::open(cfg);
  REQUIRE(src.is_ok());
  Status st = (*src)->fetch();
  CHECK(st.code() == Status::Code::invalid);
  CHECK(st.message().find("does-not-exist") != std::string::npos);
  // Nothing fetched, so there is no tip to snapshot.
  CHECK((*src)->snapshot().status().code() == Status::Code::invalid);

  cfg.branch = "bad..name";
  CHECK(GitSource::open(cfg).status().code() == Status::Code::invalid);
}

TEST_CASE("GitSourceMissingSubPathIsInvalidAndNamed") {
  Fixture fx;
  auto src = fx.fetched("nope/here");
  auto snap = src->snapshot();
  CHECK(snap.status().code() == Status::Code::invalid);
  CHECK(snap.status().message().find("nope/here") != std::string::npos);

  auto file_src = fx.fetched("config/README.md");
  CHECK(file_src->snapshot().status().code() == Status::Code::invalid);
  CHECK(GitSource::open(fx.config("../up")).status().code() == Status::Code::invalid);
}

TEST_CASE("GitSourceBadUrlIsAnErrorNotACrash") {
  Fixture fx;
  GitSourceConfig cfg = fx.config();
  for (std::string url : {"", "relative/path", "http://", "has space"}) {
    cfg.url = url;
    INFO(url);
    CHECK(GitSource::open(cfg).status().code() == Status::Code::invalid);
  }
  // Well-formed URLs that lead nowhere fail at fetch, as terminal errors.
  for (std::string url : {"file://" + (fx.root() / "missing").string(), (fx.root() / "missing").string(),
                          "file://" + fx.root().string()}) {
    cfg.url = url;
    INFO(url);
    auto src = GitSource::open(cfg);
    REQUIRE(src.is_ok());
    Status st = (*src)->fetch();
    CHECK(st.code() == Status::Code::invalid);
    CHECK(st.message().find("fetching") != std::string::npos);
  }
}

TEST_CASE("GitSourceFetchesFromPlainLocalPath") {
  Fixture fx;
  GitSourceConfig cfg = fx.config();
  cfg.url = fx.work().string();
  auto src = GitSource::open(cfg);
  REQUIRE(src.is_ok());
  REQUIRE((*src)->fetch().is_ok());
  CHECK(snapshot_of(**src).commit.id == fx.git("rev-parse HEAD"));
}

TEST_CASE("GitSourceRedactsPasswordOfUrlInMessages") {
  Fixture fx;
  GitSourceConfig cfg = fx.config();
  cfg.url = "https://user:s3cret@127.0.0.1:1/repo.git";  // nothing listens on port 1
  cfg.https_token = "t0ken";
  auto src = GitSource::open(cfg);
  REQUIRE(src.is_ok());
  Status st = (*src)->fetch();
  CHECK(st.code() == Status::Code::unavailable);
  CHECK(st.message().find("s3cret") == std::string::npos);
  CHECK(st.message().find("t0ken") == std::string::npos);
  CHECK(st.message().find("127.0.0.1") != std::string::npos);
}

TEST_CASE("GitSourceRefusesNonEmptyNonRepositoryCache") {
  Fixture fx;
  GitSourceConfig cfg = fx.config();
  cfg.cache_dir = fx.root();  // holds the working repository and other files
  CHECK(GitSource::open(cfg).status().code() == Status::Code::invalid);
  cfg.cache_dir = fx.work();  // a working repository
  CHECK(GitSource::open(cfg).status().code() == Status::Code::invalid);
}

TEST_CASE("GitSourceOpenLocalReadsWorkingRepository") {
  Fixture fx;
  auto src = GitSource::open_local(fx.work(), "config");
  REQUIRE_MESSAGE(src.is_ok(), src.status().to_string());
  CHECK((*src)->fetch().is_ok());
  GitSnapshot snap = snapshot_of(**src);
  CHECK(snap.commit.id == fx.git("rev-parse HEAD"));
  CHECK(paths_of(snap) == std::vector<std::string>{"tenants/a.yaml", "tenants/b2.yaml"});
  CHECK(snapshot_of(**src, "HEAD~1").commit.id == fx.git("rev-parse HEAD~1"));
  CHECK(snapshot_of(**src, "main").commit.id == fx.git("rev-parse HEAD"));
  std::unordered_map<std::string, std::string> cache;
  auto texts = (*src)->read_files(snap, cache);
  REQUIRE(texts.is_ok());
  CHECK((*texts)[1].text == tenant("b"));

  CHECK(GitSource::open_local(fx.root() / "missing").status().code() == Status::Code::invalid);
}

// ---- SSH endpoints and known_hosts -------------------------------------------------------------

TEST_CASE("SshEndpointParsesUrlForms") {
  CHECK(ssh_endpoint("ssh://git@example.org/repo.git").host == "example.org");
  CHECK(ssh_endpoint("ssh://git@example.org/repo.git").port == 22);
  CHECK(ssh_endpoint("ssh://git@example.org:2222/repo.git").port == 2222);
  CHECK(ssh_endpoint("ssh://[::1]:2222/repo.git").host == "::1");
  CHECK(ssh_endpoint("git@github.com:org/repo.git").host == "github.com");
  CHECK(ssh_endpoint("git@github.com:org/repo.git").port == 22);
  CHECK(ssh_endpoint("https://example.org/repo.git").host.empty());
  CHECK(ssh_endpoint("/srv/git/repo").host.empty());
  CHECK(ssh_endpoint("./a:b").host.empty());
}

namespace {

// Host keys made with ssh-keygen; the hashed lines are `ssh-keygen -H` output for
// hashed.example.org (K1) and [hashed.example.org]:2222 (K2).
const char* K1 = "AAAAC3NzaC1lZDI1NTE5AAAAIAa448X6O0zPSBzUeygdL8S/whLf0ZgiYGFiM66hL7Oh";
const char* K2 =
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPc62mQfm+VWN0I10Tf6tKWoUT0HAJtR2O/maDHJejfI8wpeOXiRZdErDv2Y"
    "mRFvlbDQ0TZfT44B4w0/ScJSJjQ=";
const char* K3 = "AAAAC3NzaC1lZDI1NTE5AAAAIJEUdjahhegP7bjV6Bvv/JCIPUc7vVcMqkfK+J3STFvt";

std::string known_hosts_sample() {
  return std::string("# comment line\n\n") +
         "github.com,gitlab.example.org ssh-ed25519 " + K1 + " deploy@host\n" +
         "[git.example.org]:2222 ecdsa-sha2-nistp256 " + K2 + "\r\n" +
         "*.corp.example.org,!evil.corp.example.org ssh-ed25519 " + K3 + "\n" +
         "@cert-authority *.example.org ssh-ed25519 " + K3 + "\n" +
         "@revoked * ssh-ed25519 " + K3 + "\n" +
         "|1|Dg6d4AGu/AHoUH5yfAMkgWuUU8A=|9KJTdI+cEe7fhT4vL2juy2D5Tfk= ssh-ed25519 " + K1 + "\n" +
         "|1|s9l0mf6zvejM2pN/cHKtlogBZmA=|/Oww4TrQ8R3WICPohq6ZZCpC/Iw= ecdsa-sha2-nistp256 " + K2 + "\n" +
         "broken-line-without-key\n";
}

std::string blob(const char* base64) {
  std::string in(base64);
  std::string out(in.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  REQUIRE(n > 0);
  out.resize(static_cast<size_t>(n) - std::count(in.begin(), in.end(), '='));
  return out;
}

std::array<uint8_t, 32> sha256_of(const std::string& data) {
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

}  // namespace

TEST_CASE("KnownHostsAcceptsPlainEntriesForTheirHostAndPort") {
  std::string kh = known_hosts_sample();
  CHECK(known_hosts_accepts(kh, "github.com", 22, blob(K1)));
  CHECK(known_hosts_accepts(kh, "GitLab.Example.org", 22, blob(K1)));
  CHECK_FALSE(known_hosts_accepts(kh, "github.com", 22, blob(K2)));     // another key
  CHECK_FALSE(known_hosts_accepts(kh, "github.com", 2222, blob(K1)));   // another port
  CHECK_FALSE(known_hosts_accepts(kh, "example.com", 22, blob(K1)));    // unknown host
  CHECK(known_hosts_accepts(kh, "git.example.org", 2222, blob(K2)));
  CHECK_FALSE(known_hosts_accepts(kh, "git.example.org", 22, blob(K2)));
  CHECK_FALSE(known_hosts_accepts(kh, "github.com", 22, ""));
  CHECK_FALSE(known_hosts_accepts("", "github.com", 22, blob(K1)));
}

TEST_CASE("KnownHostsMatchesHashedEntries") {
  std::string kh = known_hosts_sample();
  CHECK(known_hosts_accepts(kh, "hashed.example.org", 22, blob(K1)));
  CHECK(known_hosts_accepts(kh, "hashed.example.org", 2222, blob(K2)));
  CHECK_FALSE(known_hosts_accepts(kh, "hashed.example.org", 22, blob(K2)));
  CHECK_FALSE(known_hosts_accepts(kh, "other.example.org", 22, blob(K1)));
}

TEST_CASE("KnownHostsHonoursWildcardsNegationAndRevocation") {
  std::string kh = known_hosts_sample();
  // K3 is listed for *.corp.example.org but also @revoked everywhere.
  CHECK_FALSE(known_hosts_accepts(kh, "git.corp.example.org", 22, blob(K3)));
  std::string no_revocation = std::string("*.corp.example.org,!evil.corp.example.org ssh-ed25519 ") + K3 + "\n" +
                              "gi?.example.net ssh-ed25519 " + K3 + "\n";
  CHECK(known_hosts_accepts(no_revocation, "git.corp.example.org", 22, blob(K3)));
  CHECK_FALSE(known_hosts_accepts(no_revocation, "evil.corp.example.org", 22, blob(K3)));
  CHECK_FALSE(known_hosts_accepts(no_revocation, "corp.example.org", 22, blob(K3)));
  CHECK(known_hosts_accepts(no_revocation, "git.example.net", 22, blob(K3)));
  CHECK_FALSE(known_hosts_accepts(no_revocation, "gitx.example.net", 22, blob(K3)));
  // A @cert-authority line does not accept the CA key as a host key.
  std::string ca_only = std::string("@cert-authority *.example.org ssh-ed25519 ") + K3 + "\n";
  CHECK_FALSE(known_hosts_accepts(ca_only, "git.example.org", 22, blob(K3)));
}

TEST_CASE("KnownHostsAcceptsBySha256WhenNoRawKey") {
  std::string kh = known_hosts_sample();
  CHECK(known_hosts_accepts_sha256(kh, "github.com", 22, sha256_of(blob(K1))));
  CHECK(known_hosts_accepts_sha256(kh, "hashed.example.org", 2222, sha256_of(blob(K2))));
  CHECK_FALSE(known_hosts_accepts_sha256(kh, "github.com", 22, sha256_of(blob(K2))));
}

}  // namespace c4
