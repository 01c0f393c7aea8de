// Versioned SQL migrations (store/migrations/NNNN_name.sql, compiled into the binary).
//
// Each migration runs in its own transaction and is recorded in schema_migrations with the
// SHA-256 of its text; a recorded migration whose text changed since is refused rather than
// silently skipped. A PostgreSQL advisory lock serialises concurrent migrators (two replicas
// starting at once).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/status.h"

namespace c4 {

// Every migration file's text, keyed by file name, sorted (generated at build time).
const std::map<std::string, std::string>& embedded_migrations();

struct MigrationReport {
  std::vector<std::string> applied;  // file names applied by this call
  size_t already = 0;                // migrations found applied before
};

// Applies every pending migration. Safe to call from several processes at once.
Result<MigrationReport> migrate(pqxx::connection& conn);

}  // namespace c4
