// A manifest cannot exhaust the service, over the real binary (C4_BINARY), PostgreSQL and
// Redis: `validate` refuses a billion-laughs file fast and in little memory, escapes file names,
// does not follow symbolic links and applies every --max-* flag (and its environment twin);
// `all` records a commit over a limit as failed, keeps routing from the previous revision, and
// stays up across a restart on that commit.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "store/redis_client.h"
#include "store/revision_log.h"
#include "test_database.h"
#include "test_git_repo.h"
#include "test_process.h"

namespace c4 {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::TestDatabase;

struct Run {
  int exit = -1;
  std::string out;     // stdout and stderr
  double seconds = 0;
  long max_rss_kb = 0;  // peak resident memory of the process
};

// Runs the binary with `args` (and `env` added to the environment) to its end.
Run run_c4(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  test::TempDir tmp;
  fs::path log = tmp.path() / "out.log";
  auto started = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(C4_BINARY)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  Run run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.max_rss_kb = usage.ru_maxrss;
  std::ifstream in(log, std::ios::binary);
  run.out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return run;
}

// The classic "billion laughs" (9 levels of 10 aliases: 10^9 strings), as a Tenant's labels.
std::string billion_laughs() {
  std::string s = "apiVersion: c4confd/v1\nkind: Tenant\nmetadata:\n  name: lol\n  labels:\n    l0: &l0 \"lol\"\n";
  for (int level = 1; level <= 9; ++level) {
    s += "    l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) s += (i ? ", *l" : "*l") + std::to_string(level - 1);
    s += "]\n";
  }
  return s;
}

fs::path examples() { return fs::path(C4_SOURCE_DIR) / "examples"; }

// The test Redis (./c4 test starts it) on database `db`.
std::string redis_url(int db) {
  const char* url = std::getenv("C4CONFD_REDIS_URL");
  REQUIRE_MESSAGE((url && *url), "C4CONFD_REDIS_URL is not set: run the tests through ./c4 test");
  auto address = parse_redis_url(url);
  REQUIRE(address.is_ok());
  return "redis://" + address->host + ":" + std::to_string(address->port) + "/" + std::to_string(db);
}

RedisReply redis_command(const std::string& url, const RedisCommand& command) {
  auto client = RedisClient::connect(url);
  REQUIRE_MESSAGE(client.is_ok(), client.status().to_string());
  auto reply = (*client)->command(command);
  REQUIRE_MESSAGE(reply.is_ok(), reply.status().to_string());
  return *reply;
}

void flush_c4_keys(const std::string& url) {
  auto keys = redis_command(url, {"KEYS", "c4:*"});
  RedisCommand del{"DEL"};
  for (const auto& k : keys.elements) del.push_back(k.str);
  if (del.size() > 1) redis_command(url, del);
}

}  // namespace

TEST_CASE("c4confd validate refuses a billion-laughs file at the alias in bounded time and memory") {
  test::TempDir dir;
  dir.write("lol.yaml", billion_laughs());
  Run run = run_c4({"validate", dir.path().string()});
  INFO(run.out);
  CHECK(run.exit == 1);
  // Level 5 (line 11) is where the aliases cross 100,000 nodes.
  CHECK(run.out.find("lol.yaml:11:") != std::string::npos);
  CHECK(run.out.find("(--max-alias-expansions)") != std::string::npos);
  CHECK(run.seconds < 10);
  CHECK(run.max_rss_kb < 200 * 1024);
  MESSAGE("billion laughs: c4confd validate exited " << run.exit << " after " << run.seconds << " s, peak RSS "
                                                     << run.max_rss_kb / 1024.0 << " MiB");
}

TEST_CASE("c4confd validate escapes control characters of file names in text and keeps JSON JSON") {
  test::TempDir dir;
  std::string evil = "evil\n\x1b[31mforged.yaml:1: error: fake\x7f.yaml";
  dir.write(evil, "kind: [unclosed\n");
  Run text = run_c4({"validate", dir.path().string()});
  INFO(text.out);
  CHECK(text.exit == 1);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK(text.out.find('\x7f') == std::string::npos);
  CHECK(text.out.find("evil\\n\\x1b[31mforged.yaml:1: error: fake\\x7f.yaml:") != std::string::npos);
  CHECK(text.out.find(": error: invalid YAML") != std::string::npos);
  // One problem line and the summary line: the name forged no line of its own.
  CHECK(std::count(text.out.begin(), text.out.end(), '\n') == 2);
  Run json = run_c4({"validate", "--output", "json", dir.path().string()});
  CHECK(json.exit == 1);
  auto problems = nlohmann::json::parse(json.out);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0]["file"] == evil);
}

TEST_CASE("c4confd validate does not follow symbolic links in directory mode and warns at their path") {
  test::TempDir outside;
  outside.write("tenant.yaml", "apiVersion: c4confd/v1\nkind: Tenant\nmetadata: {name: outside}\nspec: {bogus: 1}\n");
  test::TempDir dir;
  fs::copy(examples(), dir.path() / "examples", fs::copy_options::recursive);
  fs::create_symlink(outside.path() / "tenant.yaml", dir.path() / "link.yaml");
  fs::create_directory_symlink(outside.path(), dir.path() / "linked");
  Run run = run_c4({"validate", dir.path().string()});
  INFO(run.out);
  CHECK(run.exit == 0);  // the invalid file behind the link was never read
  CHECK(run.out.find("link.yaml:1: warning: a symbolic link is not followed") != std::string::npos);
  CHECK(run.out.find("outside") == std::string::npos);
  CHECK(run.out.find("linked") == std::string::npos);
}

TEST_CASE("every --max-* flag and its C4CONFD_MAX_* twin refuses a revision over it at file:line") {
  SUBCASE("bytes per file") {
    Run run = run_c4({"validate", "--max-file-bytes", "1000", examples().string()});
    CHECK(run.exit == 1);
    CHECK(run.out.find(".yaml:1: error: the file is ") != std::string::npos);
    CHECK(run.out.find("(--max-file-bytes)") != std::string::npos);
    Run env = run_c4({"validate", examples().string()}, {"C4CONFD_MAX_FILE_BYTES=1000"});
    CHECK(env.exit == 1);
    CHECK(env.out.find("(--max-file-bytes)") != std::string::npos);
  }
  SUBCASE("bytes per revision") {
    Run run = run_c4({"validate", "--max-revision-bytes", "5000", examples().string()});
    CHECK(run.exit == 1);
    CHECK(run.out.find("(--max-revision-bytes); the limit is crossed at this file") != std::string::npos);
  }
  SUBCASE("nodes per document") {
    Run run = run_c4({"validate", examples().string()}, {"C4CONFD_MAX_YAML_NODES=20"});
    CHECK(run.exit == 1);
    CHECK(run.out.find("nodes, aliases expanded (--max-yaml-nodes); the limit is crossed here") != std::string::npos);
  }
  SUBCASE("numbers per revision") {
    Run run = run_c4({"validate", "--max-numbers", "100", examples().string()});
    INFO(run.out);
    CHECK(run.exit == 1);
    CHECK(run.out.find(": the DIDs of this revision claim more than 100 numbers") != std::string::npos);
  }
  SUBCASE("a limit that is not a number") {
    Run run = run_c4({"validate", "--max-numbers", "lots", examples().string()});
    CHECK(run.exit == 2);
    CHECK(run.out.find("--max-numbers must be a whole number of at least 1, not \"lots\"") != std::string::npos);
  }
}

TEST_CASE("--max-redis-keys counts exactly the keys c4confd apply projects into Redis") {
  TestDatabase db("c4test_limits_redis_keys");
  std::string redis = redis_url(13);
  flush_c4_keys(redis);
  Run apply = run_c4({"apply", examples().string(), "--database-url", db.url(), "--redis-url", redis});
  REQUIRE_MESSAGE(apply.exit == 0, apply.out);
  size_t keys = redis_command(redis, {"KEYS", "c4:*"}).elements.size() - 1;  // not c4:revision
  flush_c4_keys(redis);
  REQUIRE(keys > 100);
  CHECK(run_c4({"validate", "--max-redis-keys", std::to_string(keys), examples().string()}).exit == 0);
  Run over = run_c4({"validate", "--max-redis-keys", std::to_string(keys - 1), examples().string()});
  INFO(over.out);
  CHECK(over.exit == 1);
  CHECK(over.out.find("the Redis projection of this revision would hold more than " ) != std::string::npos);
  // apply refuses it too, as a failed revision, and writes nothing to Redis.
  Run refused = run_c4({"apply", examples().string(), "--database-url", db.url(), "--redis-url", redis,
                        "--max-redis-keys", std::to_string(keys - 1)});
  CHECK(refused.exit == 1);
  CHECK(refused.out.find("(--max-redis-keys)") != std::string::npos);
  CHECK(redis_command(redis, {"KEYS", "c4:*"}).elements.empty());
}

TEST_CASE("a Git symlink and a blob over --max-file-bytes are reported like a directory's without being read") {
  test::ManifestRepo repo;
  test::shell("ln -s /etc/passwd '" + (repo.work() / "passwd.yaml").string() + "'");
  std::ofstream(repo.work() / "big.yaml") << "# " << std::string(20000, 'x') << "\n";
  repo.commit("a link and a big file");
  Run run = run_c4({"plan", "--repo", repo.url(), "--cache-dir", repo.scratch("cache").string(), "--against",
                    "HEAD~1", "--max-file-bytes", "10000"});
  INFO(run.out);
  CHECK(run.exit == 1);
  CHECK(run.out.find("big.yaml:1: error: the file is 20,003 bytes, over the limit of 10,000 bytes per file") !=
        std::string::npos);
  CHECK(run.out.find("passwd.yaml:1: warning: a symbolic link is not followed") != std::string::npos);
  CHECK(run.out.find("root:") == std::string::npos);
}

TEST_CASE("c4confd all records a billion-laughs commit as failed and keeps routing and stays up across a restart") {
  TestDatabase db("c4test_limits_all");
  std::string redis = redis_url(13);
  flush_c4_keys(redis);
  test::ManifestRepo repo;
  int port = test::free_loopback_port();
  fs::path log = repo.scratch("all.log");
  std::vector<std::string> argv = {C4_BINARY, "all", "--repo", repo.url(), "--cache-dir",
                                   repo.scratch("cache").string(), "--database-url", db.url(), "--redis-url", redis,
                                   "--listen", "127.0.0.1:" + std::to_string(port), "--interval", "300ms",
                                   "--threads", "1"};
  auto status = [&] {
    pqxx::read_transaction txn(db.conn());
    return read_status(txn).value();
  };
  httplib::Client client("127.0.0.1", port);
  // A call from Orange Paris to a number of the acme-lyon range.
  nlohmann::json call = {{"event", "sip-routing"}, {"source_ip", "203.0.113.10"}, {"source_port", 5060},
                         {"auth", "1"}, {"call_id", "limits-1"}, {"from_uri", "sip:0611223344@203.0.113.10"},
                         {"to_uri", "sip:0472100005@203.0.113.10"}};
  auto route = [&] {
    auto res = client.Post("/1.0/kamailio/routing", call.dump(), "application/json");
    return res && res->status == 200 ? nlohmann::json::parse(res->body)["rtjson"] : nlohmann::json();
  };

  auto good = repo.head();
  nlohmann::json routed;
  {
    test::ChildProcess all(argv, log);
    REQUIRE_MESSAGE(test::eventually([&] { return status().live_commit_id == good; }, 60s), "see " << log);
    REQUIRE(test::eventually([&] { routed = route(); return routed.is_object() && routed["success"] == true; }, 20s));
    REQUIRE(!routed["routes"].empty());
    std::string projected;  // the projector runs on its own thread: wait for it
    REQUIRE(test::eventually([&] { return !(projected = redis_command(redis, {"GET", "c4:revision"}).str).empty(); }, 30s));

    // The bad commit also moves the range away: had it been applied, the call would not route.
    repo.replace("tenants/acme/dids/lyon.yaml", "+33472100000", "+33472900000");
    std::ofstream(repo.work() / "lol.yaml") << billion_laughs();
    std::string bad = repo.commit("billion laughs");
    REQUIRE_MESSAGE(test::eventually([&] { return status().last_attempt_commit_id == bad; }, 60s), "see " << log);
    auto s = status();
    CHECK(s.last_attempt_result == "failed");
    CHECK(s.last_attempt_failed_step == "validate");
    CHECK(s.last_attempt_errors.dump().find("(--max-alias-expansions)") != std::string::npos);
    CHECK(s.last_attempt_errors[0]["file"] == "lol.yaml");
    CHECK(s.last_attempt_errors[0]["line"] == 11);
    CHECK(s.live_commit_id == good);
    std::this_thread::sleep_for(1s);  // a few more passes over the refused tip
    CHECK(all.running());
    CHECK(route() == routed);
    CHECK(redis_command(redis, {"GET", "c4:revision"}).str == projected);
    all.send(SIGKILL);
    all.wait_for(10s);
  }
  // Restarted on the same tip: it validates it again, refuses it again, and serves on.
  int64_t before = status().last_attempt_id.value_or(0);
  test::ChildProcess again(argv, log);
  REQUIRE_MESSAGE(test::eventually([&] { return status().last_attempt_id.value_or(0) > before; }, 60s), "see " << log);
  CHECK(status().last_attempt_result == "failed");
  REQUIRE(test::eventually([&] { return route() == routed; }, 20s));
  std::this_thread::sleep_for(1s);
  CHECK(again.running());
  CHECK(status().live_commit_id == good);
  REQUIRE(again.send(SIGTERM));
  auto exit = again.wait_for(30s);
  REQUIRE(exit);
  CHECK(WIFEXITED(*exit));
  flush_c4_keys(redis);
}

}  // namespace c4
