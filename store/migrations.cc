#include "store/migrations.h"

#include "common/sha.h"
#include "store/database.h"

namespace c4 {
namespace {

// Arbitrary constant shared by every c4confd migrator ("c4mi").
constexpr int64_t kMigrationLock = 0x63346d69;

}  // namespace

Result<MigrationReport> migrate(pqxx::connection& conn) {
  MigrationReport report;
  try {
    pqxx::nontransaction session(conn);
    session.exec_params("SELECT pg_advisory_lock($1)", kMigrationLock);
    session.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    session.commit();
  } catch (const std::exception& e) {
    return database_error(e, "preparing schema_migrations");
  }
  auto unlock = [&conn] {
    try {
      pqxx::nontransaction session(conn);
      session.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLock);
    } catch (const std::exception&) {
      // The lock dies with the session anyway.
    }
  };

  for (const auto& [name, sql] : embedded_migrations()) {
    std::string digest = sha256_hex(sql);
    try {
      pqxx::work txn(conn);
      auto rows = txn.exec_params("SELECT sha256 FROM schema_migrations WHERE name = $1", name);
      if (!rows.empty()) {
        if (rows[0][0].as<std::string>() != digest) {
          unlock();
          return Status::internal("migration " + name +
                                  " was applied with different content; migrations are append-only, add a new one");
        }
        ++report.already;
        continue;
      }
      txn.exec(sql);
      txn.exec_params("INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)", name, digest);
      txn.commit();
      report.applied.push_back(name);
    } catch (const std::exception& e) {
      unlock();
      return database_error(e, "applying migration " + name);
    }
  }
  unlock();
  return report;
}

}  // namespace c4
