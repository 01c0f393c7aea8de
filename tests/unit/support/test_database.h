// A PostgreSQL database of a test's own, on the server `./c4 test` starts (C4CONFD_DATABASE_URL)
// or on `server_url` when given (a PrivatePostgres): created empty and migrated, dropped when the
// fixture ends. ctest runs test cases in parallel, so every case names its own database.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include <doctest/doctest.h>
#include <pqxx/pqxx>

#include "store/database.h"
#include "store/migrations.h"

namespace c4::test {

class TestDatabase {
 public:
  explicit TestDatabase(const std::string& name, std::string server_url = "") : name_(name) {
    if (server_url.empty()) {
      const char* url = std::getenv("C4CONFD_DATABASE_URL");
      REQUIRE_MESSAGE(url, "C4CONFD_DATABASE_URL is not set: run the tests through ./c4 test");
      server_url = url;
    }
    base_url_ = server_url;
    admin_ = connected(base_url_);
    pqxx::nontransaction(*admin_).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    pqxx::nontransaction(*admin_).exec("CREATE DATABASE " + name_);
    url_ = base_url_.substr(0, base_url_.rfind('/') + 1) + name_;
    conn_ = connected(url_);
    REQUIRE(migrate(*conn_).is_ok());
  }
  ~TestDatabase() {
    conn_.reset();
    if (!admin_) return;  // abandoned
    try {
      pqxx::nontransaction(*admin_).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  pqxx::connection& conn() { return *conn_; }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  // Closes the connections and skips the DROP, for a test that stops the server under them
  // (closing a connection whose server is gone is fine: libpq just closes the socket).
  void abandon() {
    conn_.reset();
    admin_.reset();
  }

  // Every configuration row, as text, for byte-for-byte comparisons; without the
  // created_at/updated_at columns when `with_times` is false.
  std::string config_dump(bool with_times = true) {
    pqxx::read_transaction txn(*conn_);
    std::string out;
    for (const char* table : {"tenants", "domains", "carriers", "normalization_profiles", "carrier_trunks",
                              "routing_groups", "ipbxs", "dids", "did_numbers", "did_ranges", "did_prefixes",
                              "routing_rules", "routing_rule_targets", "api_tokens", "api_token_tenants"})
      for (const auto& row : txn.exec(std::string("SELECT ") +
                                      (with_times ? "t::text" : "(to_jsonb(t) - 'created_at' - 'updated_at')::text") +
                                      " FROM " + table + " t ORDER BY 1"))
        out += std::string(table) + ":" + row[0].c_str() + "\n";
    return out;
  }

 private:
  static std::unique_ptr<pqxx::connection> connected(const std::string& url) {
    auto conn = connect_database(url);
    REQUIRE_MESSAGE(conn.is_ok(), conn.status().message());
    return std::move(conn).value();
  }

  std::string name_, base_url_, url_;
  std::unique_ptr<pqxx::connection> admin_, conn_;
};

}  // namespace c4::test
