// An old wazo-router-confd database for importer tests: a database of the test's own on the
// server `./c4 test` starts (C4CONFD_DATABASE_URL), holding the old service's tables as
// shared/reference/wazo-router-confd-data-model.md describes them (not c4confd's migrations).
// Dropped when the fixture ends.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>

#include <doctest/doctest.h>
#include <pqxx/pqxx>

namespace c4::test {

// The old service's tables (tests/legacy/wazo_router_confd_schema.sql, shared with
// bench/import.sh).
inline std::string legacy_schema_sql() {
  std::ifstream in(C4_SOURCE_DIR "/tests/legacy/wazo_router_confd_schema.sql");
  REQUIRE_MESSAGE(in.good(), "cannot read tests/legacy/wazo_router_confd_schema.sql");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}


class LegacyDatabase {
 public:
  explicit LegacyDatabase(const std::string& name) : name_(name) {
    const char* url = std::getenv("C4CONFD_DATABASE_URL");
    REQUIRE_MESSAGE(url, "C4CONFD_DATABASE_URL is not set: run the tests through ./c4 test");
    std::string base = url;
    admin_ = std::make_unique<pqxx::connection>(base);
    pqxx::nontransaction(*admin_).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    pqxx::nontransaction(*admin_).exec("CREATE DATABASE " + name_);
    url_ = base.substr(0, base.rfind('/') + 1) + name_;
    conn_ = std::make_unique<pqxx::connection>(url_);
    pqxx::work txn(*conn_);
    txn.exec(legacy_schema_sql());
    txn.commit();
  }
  ~LegacyDatabase() {
    conn_.reset();
    try {
      pqxx::nontransaction(*admin_).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  LegacyDatabase(const LegacyDatabase&) = delete;
  LegacyDatabase& operator=(const LegacyDatabase&) = delete;

  pqxx::connection& conn() { return *conn_; }
  const std::string& url() const { return url_; }
  // Runs `sql` in one transaction.
  void exec(const std::string& sql) {
    pqxx::work txn(*conn_);
    txn.exec(sql);
    txn.commit();
  }

 private:
  std::string name_, url_;
  std::unique_ptr<pqxx::connection> admin_, conn_;
};

}  // namespace c4::test
