// A small pool of PostgreSQL connections for the CDR read endpoints (search, stats, CSV).
//
// acquire() hands out an idle connection or opens a new one; the Lease gives it back when it
// goes out of scope, unless it was discarded (after an error: a broken session is not reused).
// At most `max_idle` connections are kept; the number in use is bounded by the server's worker
// threads. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/status.h"

namespace c4::cdr {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::string url, std::string application_name = "c4confd-cdr-reader",
                          size_t max_idle = 8);

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = default;
    ~Lease();
    pqxx::connection& operator*() { return *conn_; }
    pqxx::connection* operator->() { return conn_.get(); }
    // Closes the connection instead of returning it to the pool.
    void discard() { conn_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  // Status::unavailable when no connection can be opened.
  Result<Lease> acquire();
  size_t idle() const;

 private:
  void give_back(std::unique_ptr<pqxx::connection> conn);

  const std::string url_, application_name_;
  const size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
};

}  // namespace c4::cdr
