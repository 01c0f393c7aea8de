// The one PostgreSQL connection pool of the API's readers (store/connection_pool.h), on the
// worktree's PostgreSQL: leases come back, discarded ones do not, the opener prepares every
// connection, the idle list is bounded, and an unreachable server is `unavailable`.
#include "store/connection_pool.h"

#include <doctest/doctest.h>

#include "store/database.h"
#include "test_database.h"
#include "test_net.h"

namespace c4 {
namespace {

using test::TestDatabase;

int backend_pid(pqxx::connection& conn) {
  pqxx::read_transaction txn(conn);
  return txn.exec1("SELECT pg_backend_pid()")[0].as<int>();
}

}  // namespace

TEST_CASE("a lease given back is the connection the next acquire reuses") {
  TestDatabase db("c4test_pool_reuse");
  ConnectionPool pool(db.url());
  int first_pid = 0;
  {
    auto lease = pool.acquire();
    REQUIRE(lease.is_ok());
    CHECK_FALSE(lease->reused());
    first_pid = backend_pid(**lease);
    CHECK(pool.idle() == 0);
  }
  CHECK(pool.idle() == 1);
  auto again = pool.acquire();
  REQUIRE(again.is_ok());
  CHECK(again->reused());
  CHECK(backend_pid(**again) == first_pid);
  CHECK(pool.idle() == 0);
}

TEST_CASE("a discarded lease is closed, not reused") {
  TestDatabase db("c4test_pool_discard");
  ConnectionPool pool(db.url());
  int first_pid = 0;
  {
    auto lease = pool.acquire();
    REQUIRE(lease.is_ok());
    first_pid = backend_pid(**lease);
    lease->discard();
  }
  CHECK(pool.idle() == 0);
  auto next = pool.acquire();
  REQUIRE(next.is_ok());
  CHECK_FALSE(next->reused());
  CHECK(backend_pid(**next) != first_pid);
}

TEST_CASE("acquire without reuse opens a new connection even when one is idle") {
  TestDatabase db("c4test_pool_fresh");
  ConnectionPool pool(db.url());
  { REQUIRE(pool.acquire().is_ok()); }
  REQUIRE(pool.idle() == 1);
  auto fresh = pool.acquire(false);
  REQUIRE(fresh.is_ok());
  CHECK_FALSE(fresh->reused());
  CHECK(pool.idle() == 1);
}

TEST_CASE("the pool's opener prepares every connection it hands out") {
  TestDatabase db("c4test_pool_opener");
  int opened = 0;
  ConnectionPool pool(db.url(), [&opened](const std::string& url) -> Result<std::unique_ptr<pqxx::connection>> {
    auto conn = connect_database(url);
    if (!conn) return conn.status();
    (*conn)->set_variable("application_name", "'c4test-pool-opener'");
    ++opened;
    return std::move(conn.value());
  });
  auto a = pool.acquire();
  auto b = pool.acquire();
  REQUIRE(a.is_ok());
  REQUIRE(b.is_ok());
  CHECK(opened == 2);
  for (auto* lease : {&a.value(), &b.value()}) {
    pqxx::read_transaction txn(**lease);
    CHECK(txn.exec1("SHOW application_name")[0].as<std::string>() == "c4test-pool-opener");
  }
}

TEST_CASE("at most max_idle connections are kept idle") {
  TestDatabase db("c4test_pool_max_idle");
  ConnectionPool pool(db.url(), {}, 1);
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    REQUIRE(a.is_ok());
    REQUIRE(b.is_ok());
  }
  CHECK(pool.idle() == 1);
}

TEST_CASE("a pool whose server cannot be reached answers unavailable") {
  ConnectionPool pool("postgresql://c4confd@127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/c4confd");
  auto lease = pool.acquire();
  REQUIRE_FALSE(lease.is_ok());
  CHECK(lease.status().code() == Status::Code::unavailable);
  CHECK(pool.idle() == 0);
}

TEST_CASE("the pool adds a connect timeout once to either URL form") {
  CHECK(with_connect_timeout("postgresql://h/db", 3) == "postgresql://h/db?connect_timeout=3");
  CHECK(with_connect_timeout("postgresql://h/db?sslmode=disable", 3) ==
        "postgresql://h/db?sslmode=disable&connect_timeout=3");
  CHECK(with_connect_timeout("host=h dbname=db", 3) == "host=h dbname=db connect_timeout=3");
  CHECK(with_connect_timeout("postgresql://h/db?connect_timeout=9", 3) == "postgresql://h/db?connect_timeout=9");
  CHECK(ConnectionPool("postgres://h/db").url() == "postgres://h/db?connect_timeout=3");
}

}  // namespace c4
