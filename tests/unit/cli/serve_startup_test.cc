// `c4confd serve` (the real binary) started while PostgreSQL is down: it stays up, logs each
// attempt, answers /status 503 not_ready, and becomes ready once PostgreSQL comes up (it then
// migrates the database itself). A URL that can never work still fails at once.
#include <csignal>

#include <sys/wait.h>

#include "private_postgres.h"
#include "served_binary.h"

namespace c4::test {
namespace {

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("serve started while postgresql is down retries with backoff and becomes ready when it comes up") {
  PrivatePostgres postgres;
  postgres.stop();
  ServedBinary serve(postgres.url());
  // Listening, alive, not ready, and trying again and again.
  REQUIRE(eventually([&] { return http_get(serve.port(), "/status").status == 503; }, std::chrono::seconds(10)));
  REQUIRE(eventually([&] { return count_of(serve.log(), "\"serve.database_unavailable\"") >= 3; },
                     std::chrono::seconds(15)));
  CHECK(serve.process().running());
  auto status = http_get(serve.port(), "/status");
  CHECK(status.status == 503);
  CHECK(error_code(status) == "not_ready");
  CHECK(http_get(serve.port(), "/1.0/tenants", kAdminToken).status == 503);
  CHECK(serve.log().find("\"attempt\":3") != std::string::npos);

  postgres.start();
  auto started = std::chrono::steady_clock::now();
  REQUIRE_MESSAGE(serve.wait_ready(std::chrono::seconds(30)), serve.log());
  MESSAGE("ready " << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
                   << " ms after PostgreSQL came up");
  CHECK(serve.log().find("\"migrated\"") != std::string::npos);
  // Migrated and serving: an empty database, every list empty.
  auto tenants = http_get(serve.port(), "/1.0/tenants", kAdminToken);
  CHECK(tenants.status == 200);
  CHECK(tenants.json()["total"] == 0);

  REQUIRE(serve.process().send(SIGTERM));
  auto exited = serve.process().wait_for(std::chrono::seconds(20));
  REQUIRE(exited);
  CHECK(WIFEXITED(*exited));
  CHECK(WEXITSTATUS(*exited) == 0);
}

TEST_CASE("serve with a database url that can never work exits 1 at once naming it") {
  ServedBinary serve("postgresql://c4confd@127.0.0.1:1/postgres?no_such_option=1");
  auto exited = serve.process().wait_for(std::chrono::seconds(10));
  REQUIRE(exited);
  CHECK(WIFEXITED(*exited));
  CHECK(WEXITSTATUS(*exited) == 1);
  CHECK(serve.log().find("no_such_option") != std::string::npos);
}

}  // namespace c4::test
