// PostgreSQL connections for the read-only REST handlers: a small pool, reconnecting on
// demand, so a database that went away and came back is used again without a restart.
//
// read() runs a function inside a read-only transaction and turns every database failure
// (cannot connect, connection lost, SQL error) into a 503 JSON reply: the REST API never
// answers 500 for the database's sake. A connection that failed is dropped, not reused.
//
// Thread-safety: read() may be called from any number of threads at once; each call has a
// connection of its own for its duration.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "api/http_reply.h"
#include "common/status.h"

namespace c4::api {

class ConnectionPool {
 public:
  // `url`: postgresql://… or key=value; a connect timeout is added so a dead host fails fast.
  explicit ConnectionPool(std::string url, size_t max_idle = 8);

  // f(txn) → reply. `what` names the request in the 503 message ("listing carriers").
  HttpReply read(const std::string& what, const std::function<HttpReply(pqxx::read_transaction&)>& f);

  // A connection of the pool's URL, for callers that hold it themselves (the revision
  // watcher). Errors: unavailable.
  Result<std::unique_ptr<pqxx::connection>> connect() const;

  const std::string& url() const { return url_; }

 private:
  std::unique_ptr<pqxx::connection> take();
  void give_back(std::unique_ptr<pqxx::connection> conn);

  std::string url_;
  size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
};

// `url` with connect_timeout=`seconds` added unless it already sets one.
std::string with_connect_timeout(const std::string& url, int seconds);

}  // namespace c4::api
