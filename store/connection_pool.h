// PostgreSQL connections for the API's readers (configuration and revision views, CDR search,
// statistics and CSV): a small pool that reconnects on demand, so a database that went away and
// came back is used again without a restart.
//
// acquire() hands out an idle connection or opens a new one; the Lease gives it back when it
// goes out of scope, unless it was discarded (after an error: a broken session is not reused).
// At most `max_idle` idle connections are kept; the number in use is bounded by the callers'
// threads. Every URL gets a connect timeout (3 s unless it sets one) so a dead host fails fast.
//
// Thread-safety: every member may be called from any number of threads at once; a Lease
// belongs to one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/status.h"

namespace c4 {

// Opens one connection to `url`. Errors: unavailable. The default is connect_database
// (store/database.h); a caller that needs session settings on every connection (the CDR
// readers: TimeZone, application_name) passes its own.
using ConnectionOpener = std::function<Result<std::unique_ptr<pqxx::connection>>(const std::string& url)>;

class ConnectionPool {
 public:
  // `url`: postgresql://… or key=value.
  explicit ConnectionPool(std::string url, ConnectionOpener open = {}, size_t max_idle = 8);

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<pqxx::connection> conn, bool reused)
        : pool_(pool), conn_(std::move(conn)), reused_(reused) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = default;
    ~Lease();
    pqxx::connection& operator*() { return *conn_; }
    pqxx::connection* operator->() { return conn_.get(); }
    // Closes the connection instead of returning it to the pool.
    void discard() { conn_.reset(); }
    // True when the connection was idle in the pool (and so may have died since its last use).
    bool reused() const { return reused_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
    bool reused_;
  };

  // An idle connection when `reuse_idle` and one is there, else a new one.
  // Errors: unavailable when no connection can be opened.
  Result<Lease> acquire(bool reuse_idle = true);

  // A new connection of the pool's URL that the caller keeps (the revision watcher's LISTEN
  // session). Errors: unavailable.
  Result<std::unique_ptr<pqxx::connection>> connect() const;

  size_t idle() const;
  const std::string& url() const { return url_; }

 private:
  void give_back(std::unique_ptr<pqxx::connection> conn);

  const std::string url_;
  const ConnectionOpener open_;
  const size_t max_idle_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
};

// `url` with connect_timeout=`seconds` added unless it already sets one.
std::string with_connect_timeout(const std::string& url, int seconds);

}  // namespace c4
