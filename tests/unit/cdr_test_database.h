// A private database for one CDR test (as reconcile_pass_test.cc's TestDatabase): created from
// C4CONFD_DATABASE_URL under `name`, migrated, dropped at the end; with helpers to add tenants
// and CDR rows; and closed_port() for a database URL that cannot be reached.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include <doctest/doctest.h>
#include <pqxx/pqxx>

#include "reconciler/database.h"
#include "reconciler/migrations.h"

namespace c4::cdr::testing {

class CdrTestDatabase {
 public:
  explicit CdrTestDatabase(const std::string& name) : name_(name) {
    const char* url = std::getenv("C4CONFD_DATABASE_URL");
    REQUIRE_MESSAGE(url, "C4CONFD_DATABASE_URL is not set: run the tests through ./c4 test");
    base_url_ = url;
    admin_ = std::move(connect_database(base_url_).value());
    pqxx::nontransaction(*admin_).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    pqxx::nontransaction(*admin_).exec("CREATE DATABASE " + name_);
    url_ = base_url_.substr(0, base_url_.rfind('/') + 1) + name_;
    conn_ = std::move(connect_database(url_).value());
    REQUIRE(migrate(*conn_).is_ok());
  }
  ~CdrTestDatabase() {
    conn_.reset();
    try {
      pqxx::nontransaction(*admin_).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  pqxx::connection& conn() { return *conn_; }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  void add_tenant(const std::string& name, const std::string& uuid) {
    pqxx::work txn(*conn_);
    txn.exec_params("INSERT INTO tenants (name, uuid, spec_hash) VALUES ($1, $2, 'test')", name, uuid);
    txn.commit();
  }
  long count(const std::string& where = "true") {
    pqxx::read_transaction txn(*conn_);
    return txn.exec1("SELECT count(*) FROM cdrs WHERE " + where)[0].as<long>();
  }

 private:
  std::string name_, base_url_, url_;
  std::unique_ptr<pqxx::connection> admin_, conn_;
};

// A TCP port on 127.0.0.1 where nothing listens (bound to port 0, then closed).
inline int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace c4::cdr::testing
