// The Redis projection and the Redis client, against a real Redis: the URL comes from
// C4CONFD_REDIS_URL, which `./c4 test` sets after starting a private redis-server. Without
// it the tests fail (they never pass silently).
//
// ctest runs every TEST_CASE as its own process, in parallel, and the projection owns the
// whole c4:* key space of its database: so each case that writes uses a database of its own
// (9 to 15, see the db argument of TestRedis) and removes what it wrote when it ends.
#include "reconciler/redis_projection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace c4 {
namespace {

using Hash = std::map<std::string, std::string>;

std::string test_redis_url() {
  const char* url = std::getenv("C4CONFD_REDIS_URL");
  if (!url || !*url)
    FAIL("C4CONFD_REDIS_URL is not set: run the tests through `./c4 test`, which starts a private "
         "Redis (or export C4CONFD_REDIS_URL=redis://127.0.0.1:PORT/0 for a Redis of your own)");
  return url;
}

// A connection to database `db` of the test Redis, emptied of c4:* keys (and of the keys this
// file writes outside c4:*) on creation and on destruction.
class TestRedis {
 public:
  explicit TestRedis(int db) {
    auto address = parse_redis_url(test_redis_url());
    REQUIRE_MESSAGE(address.is_ok(), address.status().to_string());
    address->db = db;
    auto client = RedisClient::connect(*address, RedisClient::Options{});
    REQUIRE_MESSAGE(client.is_ok(), client.status().to_string());
    client_ = std::move(*client);
    clean();
  }
  ~TestRedis() { clean(); }

  RedisClient& client() { return *client_; }

  RedisReply run(const RedisCommand& argv) {
    auto reply = client_->command(argv);
    REQUIRE_MESSAGE(reply.is_ok(), reply.status().to_string());
    return *reply;
  }
  Hash hgetall(const std::string& key) {
    RedisReply r = run({"HGETALL", key});
    Hash out;
    for (size_t i = 0; i + 1 < r.elements.size(); i += 2) out[r.elements[i].str] = r.elements[i + 1].str;
    return out;
  }
  bool exists(const std::string& key) { return run({"EXISTS", key}).integer == 1; }
  std::vector<std::string> keys(const std::string& pattern) {
    std::vector<std::string> out;
    for (const auto& k : run({"KEYS", pattern}).elements) out.push_back(k.str);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  void clean() {
    if (!client_) return;
    for (const char* pattern : {"c4:*", "test:*", "c4x:*"}) {
      auto keys = client_->command({"KEYS", pattern});
      if (!keys) return;
      RedisCommand del{"DEL"};
      for (const auto& k : keys->elements) del.push_back(k.str);
      if (del.size() > 1) (void)client_->command(del);
    }
  }

  std::unique_ptr<RedisClient> client_;
};

// The base objects (tenant acme, trunk orange-1 at 203.0.113.10, IPBX pbx1 at 192.0.2.10) and
// a second IPBX and trunk, with addresses and a network.
std::string more_objects() {
  return R"(apiVersion: c4confd/v1
kind: IPBX
metadata: {name: pbx2, tenant: acme}
spec: {host: 192.0.2.20, allowedSources: [192.0.2.20, 198.51.100.0/28]}
---
apiVersion: c4confd/v1
kind: CarrierTrunk
metadata: {name: orange-2, tenant: acme}
spec: {carrier: orange, sipProxy: sbc2.orange.example, allowedSources: [203.0.113.20, "2001:db8::1"]}
)";
}

// DIDs: paris (pbx1) with two numbers, a small range and a prefix; lyon (pbx2, only from
// orange-1) with a number, a range over the expansion cap and a regex.
std::string dids(const std::string& paris_numbers = R"(["+33140000001", "+33140000002"])",
                 const std::string& lyon_numbers = R"(["+33478000001"])") {
  return R"(---
apiVersion: c4confd/v1
kind: DID
metadata: {name: paris, tenant: acme}
spec:
  ipbx: pbx1
  numbers: )" + paris_numbers + R"(
  ranges: [{from: "+33140000100", to: "+33140000102"}]
  prefixes: ["+3314999"]
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: lyon, tenant: acme}
spec:
  ipbx: pbx2
  carrierTrunk: orange-1
  numbers: )" + lyon_numbers + R"(
  ranges: [{from: "+33478100000", to: "+33478200000"}]
---
apiVersion: c4confd/v1
kind: DID
metadata: {name: lyon-regex, tenant: acme}
spec: {ipbx: pbx2, regex: '^\+3347999[0-9]{4}$'}
)";
}

// A validated revision and the projection input for it, with fixed database ids.
struct Revision {
  explicit Revision(const std::string& text, std::string id) {
    report = test::validate_with_base(text);
    REQUIRE_MESSAGE(report.ok(), test::problem_text(report));
    input.revision = std::move(id);
    input.catalog = &report.catalog;
    input.id_of = [](Kind, const std::string& tenant, const std::string& name) -> int64_t {
      static const std::map<std::string, int64_t> ids = {
          {"orange-1", 11}, {"orange-2", 12}, {"pbx1", 21}, {"pbx2", 22}};
      REQUIRE(tenant == "acme");
      auto it = ids.find(name);
      REQUIRE_MESSAGE(it != ids.end(), "no id for " << name);
      return it->second;
    };
    const Catalog* catalog = &report.catalog;
    input.tenant_uuid_of = [catalog](const std::string& tenant) {
      const Tenant* t = catalog->find<Tenant>("", tenant);
      REQUIRE(t != nullptr);
      return t->uuid;
    };
  }
  Revision(const Revision&) = delete;

  ValidationReport report;
  ProjectionInput input;
};

ProjectionStats project(RedisClient& redis, const ProjectionInput& input) {
  auto stats = project_to_redis(redis, input);
  REQUIRE_MESSAGE(stats.is_ok(), stats.status().to_string());
  return *stats;
}

std::string acme_uuid(const Revision& r) { return r.report.catalog.find<Tenant>("", "acme")->uuid; }

// A TCP port on 127.0.0.1 that is listening (backlog only: nothing is ever accepted or
// answered) for as long as the object lives.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~SilentServer() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_CASE("First projection writes the documented keys") {
  TestRedis redis(15);
  Revision rev(more_objects() + dids(), "1:abc");
  std::string uuid = acme_uuid(rev);

  ProjectionStats stats = project(redis.client(), rev.input);
  CHECK(stats.full_resync);
  CHECK(stats.keys_deleted == 0);
  CHECK(stats.unchanged == 0);
  // 5 addresses, 6 numbers (2 + a range of 3 + 1), c4:srcnet, c4:didrange, c4:didprefix.
  CHECK(stats.keys_written == 14);

  CHECK(redis.hgetall("c4:src:203.0.113.10") ==
        Hash{{"tenant", "acme"}, {"tenant_uuid", uuid}, {"kind", "carrier_trunk"}, {"name", "orange-1"}, {"id", "11"}});
  CHECK(redis.hgetall("c4:src:192.0.2.20") ==
        Hash{{"tenant", "acme"}, {"tenant_uuid", uuid}, {"kind", "ipbx"}, {"name", "pbx2"}, {"id", "22"}});
  CHECK(redis.hgetall("c4:src:2001:db8::1")["name"] == "orange-2");
  CHECK(redis.keys("c4:src:*") == std::vector<std::string>{"c4:src:192.0.2.10", "c4:src:192.0.2.20",
                                                           "c4:src:2001:db8::1", "c4:src:203.0.113.10",
                                                           "c4:src:203.0.113.20"});
  Hash srcnet = redis.hgetall("c4:srcnet");
  REQUIRE(srcnet.size() == 1);
  CHECK(nlohmann::json::parse(srcnet["198.51.100.0/28"]) ==
        nlohmann::json{{"tenant", "acme"}, {"tenant_uuid", uuid}, {"kind", "ipbx"}, {"name", "pbx2"}, {"id", 22}});

  Hash paris{{"ipbx", "pbx1"}, {"ipbx_id", "21"}, {"tenant", "acme"}, {"tenant_uuid", uuid}, {"did", "paris"},
             {"carrier_trunk", ""}};
  Hash lyon{{"ipbx", "pbx2"}, {"ipbx_id", "22"}, {"tenant", "acme"}, {"tenant_uuid", uuid}, {"did", "lyon"},
            {"carrier_trunk", "orange-1"}};
  CHECK(redis.hgetall("c4:did:+33140000001") == paris);
  CHECK(redis.hgetall("c4:did:+33140000101") == paris);  // inside a small range: expanded
  CHECK(redis.hgetall("c4:did:+33478000001") == lyon);
  CHECK(redis.keys("c4:did:*").size() == 6);           // the 100,001-number range is not expanded
  CHECK_FALSE(redis.exists("c4:did:+33478100000"));

  auto as_json = [](const Hash& h) {
    nlohmann::json j(h);
    j["ipbx_id"] = std::stoll(h.at("ipbx_id"));
    return j;
  };
  Hash ranges = redis.hgetall("c4:didrange");
  CHECK(ranges.size() == 2);
  CHECK(nlohmann::json::parse(ranges["+33140000100..+33140000102"]) == as_json(paris));
  CHECK(nlohmann::json::parse(ranges["+33478100000..+33478200000"]) == as_json(lyon));
  Hash prefixes = redis.hgetall("c4:didprefix");
  CHECK(prefixes.size() == 1);
  CHECK(nlohmann::json::parse(prefixes["+3314999"]) == as_json(paris));

  CHECK(redis.run({"GET", "c4:revision"}).str == "1:abc");
  CHECK_FALSE(redis.exists("c4:projecting"));
  // The regex DID left nothing behind: every key is one of the above.
  CHECK(redis.keys("c4:*").size() == 15);
}

TEST_CASE("Re-projecting an unchanged revision writes nothing") {
  TestRedis redis(14);
  Revision rev(more_objects() + dids(), "1:abc");
  CHECK(project(redis.client(), rev.input).keys_written == 14);

  rev.input.revision = "2:abc";
  ProjectionStats full = project(redis.client(), rev.input);
  CHECK(full.full_resync);
  CHECK(full.keys_written == 0);
  CHECK(full.keys_deleted == 0);
  CHECK(full.unchanged == 14);
  CHECK(redis.run({"GET", "c4:revision"}).str == "2:abc");

  // With the previous catalog: no key space read at all.
  rev.input.previous = &rev.report.catalog;
  rev.input.previous_revision = "2:abc";
  rev.input.revision = "3:abc";
  ProjectionStats shortcut = project(redis.client(), rev.input);
  CHECK_FALSE(shortcut.full_resync);
  CHECK(shortcut.keys_written == 0);
  CHECK(shortcut.keys_deleted == 0);
  CHECK(shortcut.unchanged == 14);
}

TEST_CASE("Moving a number to another DID rewrites only its key") {
  TestRedis redis(13);
  Revision before(more_objects() + dids(), "1:a");
  Revision after(more_objects() + dids(R"(["+33140000001"])", R"(["+33478000001", "+33140000002"])"), "2:b");
  project(redis.client(), before.input);
  CHECK(redis.hgetall("c4:did:+33140000002")["did"] == "paris");

  ProjectionStats stats = project(redis.client(), after.input);
  CHECK(stats.full_resync);
  CHECK(stats.keys_written == 1);
  CHECK(stats.keys_deleted == 0);
  CHECK(stats.unchanged == 13);
  CHECK(redis.hgetall("c4:did:+33140000002") == Hash{{"ipbx", "pbx2"}, {"ipbx_id", "22"}, {"tenant", "acme"},
                                                     {"tenant_uuid", acme_uuid(after)}, {"did", "lyon"},
                                                     {"carrier_trunk", "orange-1"}});

  // And back, through the shortcut: the same single key.
  before.input.revision = "3:a";
  before.input.previous = &after.report.catalog;
  before.input.previous_revision = "2:b";
  stats = project(redis.client(), before.input);
  CHECK_FALSE(stats.full_resync);
  CHECK(stats.keys_written == 1);
  CHECK(stats.keys_deleted == 0);
  CHECK(redis.hgetall("c4:did:+33140000002")["did"] == "paris");
}

TEST_CASE("Removing a trunk deletes its source keys") {
  TestRedis redis(12);
  Revision with(more_objects() + dids(), "1:a");
  std::string without_text = more_objects();
  without_text = without_text.substr(0, without_text.find("---"));  // pbx2 only: orange-2 is gone
  Revision without(without_text + dids(), "2:b");

  project(redis.client(), with.input);
  REQUIRE(redis.exists("c4:src:203.0.113.20"));
  redis.run({"HSET", "c4:src:10.9.9.9", "name", "left by hand"});  // stale too

  ProjectionStats stats = project(redis.client(), without.input);
  CHECK(stats.keys_deleted == 3);
  CHECK(stats.keys_written == 0);
  CHECK_FALSE(redis.exists("c4:src:203.0.113.20"));
  CHECK_FALSE(redis.exists("c4:src:2001:db8::1"));
  CHECK_FALSE(redis.exists("c4:src:10.9.9.9"));
  CHECK(redis.exists("c4:src:203.0.113.10"));

  // The shortcut deletes what the previous revision had and the new one has not.
  with.input.revision = "3:a";
  project(redis.client(), with.input);
  without.input.revision = "4:b";
  without.input.previous = &with.report.catalog;
  without.input.previous_revision = "3:a";
  stats = project(redis.client(), without.input);
  CHECK_FALSE(stats.full_resync);
  CHECK(stats.keys_deleted == 2);
  CHECK_FALSE(redis.exists("c4:src:203.0.113.20"));
}

TEST_CASE("Hand edits of c4 keys are corrected by the full diff") {
  TestRedis redis(9);
  Revision rev(more_objects() + dids(), "1:a");
  project(redis.client(), rev.input);
  Hash paris = redis.hgetall("c4:did:+33140000001");
  redis.run({"HSET", "c4:did:+33140000001", "ipbx", "elsewhere"});
  redis.run({"DEL", "c4:did:+33140000002"});
  redis.run({"SET", "c4:did:+33140000002", "not a hash"});
  redis.run({"HSET", "c4:didrange", "+1..+2", "{}"});  // an extra field

  // c4:revision still names the previous revision, but a projection was cut short since:
  // the shortcut must not be trusted.
  redis.run({"SET", "c4:projecting", "2:a"});
  rev.input.previous = &rev.report.catalog;
  rev.input.previous_revision = "1:a";
  rev.input.revision = "2:a";
  ProjectionStats stats = project(redis.client(), rev.input);
  CHECK(stats.full_resync);
  CHECK(stats.keys_written == 3);
  CHECK(stats.keys_deleted == 0);
  CHECK(redis.hgetall("c4:did:+33140000001") == paris);
  CHECK(redis.hgetall("c4:did:+33140000002") == paris);
  CHECK(redis.hgetall("c4:didrange").size() == 2);
  CHECK_FALSE(redis.exists("c4:projecting"));
  CHECK(redis.run({"GET", "c4:revision"}).str == "2:a");
}

TEST_CASE("Keys outside c4 are never touched") {
  TestRedis redis(11);
  redis.run({"SET", "test:unrelated", "keep me"});
  redis.run({"HSET", "c4x:src:203.0.113.10", "name", "not ours"});
  Revision rev(more_objects() + dids(), "1:a");
  Revision empty("", "2:b");  // only the base objects: most keys go away

  project(redis.client(), rev.input);
  ProjectionStats stats = project(redis.client(), empty.input);
  CHECK(stats.keys_deleted > 0);
  CHECK(redis.run({"GET", "test:unrelated"}).str == "keep me");
  CHECK(redis.hgetall("c4x:src:203.0.113.10") == Hash{{"name", "not ours"}});
}

TEST_CASE("A subscriber on c4 revisions receives the revision id") {
  TestRedis redis(10);
  auto subscriber = RedisClient::connect(test_redis_url());
  REQUIRE_MESSAGE(subscriber.is_ok(), subscriber.status().to_string());
  auto confirm = (*subscriber)->command({"SUBSCRIBE", "c4:revisions"});
  REQUIRE_MESSAGE(confirm.is_ok(), confirm.status().to_string());
  REQUIRE(confirm->elements.size() == 3);
  CHECK(confirm->elements[0].str == "subscribe");

  // Channels are shared by every database and every test running now: wait for our id.
  std::string id = "7:" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
  Revision rev(more_objects() + dids(), id);
  project(redis.client(), rev.input);
  bool received = false;
  for (int i = 0; i < 100 && !received; ++i) {
    auto message = (*subscriber)->read_reply(std::chrono::milliseconds(5000));
    REQUIRE_MESSAGE(message.is_ok(), message.status().to_string());
    REQUIRE(message->elements.size() == 3);
    CHECK(message->elements[0].str == "message");
    CHECK(message->elements[1].str == "c4:revisions");
    received = message->elements[2].str == id;
  }
  CHECK(received);
}

TEST_CASE("An unreachable Redis is unavailable and never crashes") {
  int port = 0;
  {
    SilentServer closed;
    port = closed.port();
  }  // nothing listens there any more
  std::string url = "redis://127.0.0.1:" + std::to_string(port) + "/0";
  auto refused = RedisClient::connect(url);
  REQUIRE_FALSE(refused.is_ok());
  CHECK(refused.status().code() == Status::Code::unavailable);
  CHECK(refused.status().message().find("127.0.0.1:" + std::to_string(port)) != std::string::npos);

  // Connected, then the server goes away before the projection.
  SilentServer server;
  auto client = RedisClient::connect("redis://127.0.0.1:" + std::to_string(server.port()));
  REQUIRE_MESSAGE(client.is_ok(), client.status().to_string());
  server.close();
  Revision rev(more_objects() + dids(), "1:a");
  auto gone = project_to_redis(**client, rev.input);
  REQUIRE_FALSE(gone.is_ok());
  CHECK(gone.status().code() == Status::Code::unavailable);

  // A server that accepts but never answers: the I/O timeout turns it into unavailable.
  SilentServer silent;
  RedisClient::Options options;
  options.io_timeout = std::chrono::milliseconds(200);
  auto slow = RedisClient::connect("redis://127.0.0.1:" + std::to_string(silent.port()), options);
  REQUIRE_MESSAGE(slow.is_ok(), slow.status().to_string());
  auto timed_out = project_to_redis(**slow, rev.input);
  REQUIRE_FALSE(timed_out.is_ok());
  CHECK(timed_out.status().code() == Status::Code::unavailable);
  CHECK(timed_out.status().message().find("timed out") != std::string::npos);
}

TEST_CASE("A wrong password is unavailable and never shown") {
  auto address = parse_redis_url(test_redis_url());
  REQUIRE(address.is_ok());
  address->password = "not-the-password";  // the test Redis has none, or another one
  auto client = RedisClient::connect(*address, RedisClient::Options{});
  REQUIRE_FALSE(client.is_ok());
  CHECK(client.status().code() == Status::Code::unavailable);
  CHECK(client.status().message().find("authenticating") != std::string::npos);
  CHECK(client.status().message().find("not-the-password") == std::string::npos);
}

TEST_CASE("Redis URLs with password and db are parsed") {
  auto a = parse_redis_url("redis://:s3cret@redis.example:6380/2");
  REQUIRE_MESSAGE(a.is_ok(), a.status().to_string());
  CHECK(a->host == "redis.example");
  CHECK(a->port == 6380);
  CHECK(a->username == "");
  CHECK(a->password == "s3cret");
  CHECK(a->db == 2);
  CHECK(a->redacted() == "redis://:***@redis.example:6380/2");

  auto b = parse_redis_url("redis://edge:p%40ss%3Aword@[::1]:7000");
  REQUIRE_MESSAGE(b.is_ok(), b.status().to_string());
  CHECK(b->host == "::1");
  CHECK(b->port == 7000);
  CHECK(b->username == "edge");
  CHECK(b->password == "p@ss:word");
  CHECK(b->db == 0);
  CHECK(b->redacted() == "redis://edge:***@[::1]:7000/0");

  auto c = parse_redis_url("redis://localhost");
  REQUIRE(c.is_ok());
  CHECK(c->port == 6379);
  CHECK(c->db == 0);
  CHECK(c->password.empty());
  CHECK(parse_redis_url("redis://127.0.0.1:6379/")->db == 0);
}

TEST_CASE("Malformed Redis URLs are rejected") {
  for (const char* url : {"", "localhost:6379", "http://localhost:6379", "rediss://localhost:6379",
                          "redis://", "redis://:6379", "redis://host:", "redis://host:0", "redis://host:65536",
                          "redis://host:63a9", "redis://host/x", "redis://host/1/2", "redis://host/-1",
                          "redis://host:6379/1?timeout=1", "redis://::1:6379", "redis://[::1", "redis://[::1]x",
                          "redis://password@host", "redis://:pa%zzss@host", "redis://ho st"}) {
    CAPTURE(url);
    auto r = parse_redis_url(url);
    CHECK_FALSE(r.is_ok());
    if (!r.is_ok()) CHECK(r.status().code() == Status::Code::invalid);
  }
  auto r = parse_redis_url("redis://:topsecret@host:bad/0");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message().find("topsecret") == std::string::npos);
  CHECK(RedisClient::connect("garbage").status().code() == Status::Code::invalid);
}

}  // namespace
}  // namespace c4
