// The set of known tenant UUIDs, kept in memory so CDR ingest does not query the tenants table
// for every record (an unknown tenant is answered {"success": false, "cdr": null}).
//
// Thread-safe: contains() may run on any number of threads while refresh() replaces the set.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include <pqxx/pqxx>

#include "common/status.h"

namespace c4::cdr {

class TenantDirectory {
 public:
  // Replaces the set with tenants.uuid read through `conn`. On error the old set stays.
  Status refresh(pqxx::connection& conn);

  // True once a refresh has succeeded: before that, "unknown" means "could not look".
  bool loaded() const;
  bool contains(std::string_view tenant_uuid) const;  // canonical lower-case UUID
  size_t size() const;
  // When the set was last replaced (steady clock); epoch of the clock before the first refresh.
  std::chrono::steady_clock::time_point refreshed_at() const;

 private:
  mutable std::shared_mutex mutex_;
  std::shared_ptr<const std::unordered_set<std::string>> uuids_;
  std::chrono::steady_clock::time_point refreshed_at_{};
};

}  // namespace c4::cdr
