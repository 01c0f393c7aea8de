// The test database of the CDR tests (test_database.h) with helpers to add tenants and count
// CDR rows.
#pragma once


#include <cstdlib>
#include <memory>
#include <string>

#include <doctest/doctest.h>
#include <pqxx/pqxx>

#include "store/database.h"
#include "store/migrations.h"
#include "test_database.h"
#include "test_net.h"

namespace c4::cdr::testing {

class CdrTestDatabase : public test::TestDatabase {
 public:
  // On the server of ./c4 test, or on `server_url` (a PrivatePostgres).
  explicit CdrTestDatabase(const std::string& name, std::string server_url = "")
      : TestDatabase(name, std::move(server_url)) {}

  void add_tenant(const std::string& name, const std::string& uuid) {
    pqxx::work txn(conn());
    txn.exec_params("INSERT INTO tenants (name, uuid, spec_hash) VALUES ($1, $2, 'test')", name, uuid);
    txn.commit();
  }
  long count(const std::string& where = "true") {
    pqxx::read_transaction txn(conn());
    return txn.exec1("SELECT count(*) FROM cdrs WHERE " + where)[0].as<long>();
  }
};

}  // namespace c4::cdr::testing
