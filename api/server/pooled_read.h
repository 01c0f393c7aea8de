// A read-only database request of a REST handler, on a connection of the shared pool
// (store/connection_pool.h), with every database failure turned into the API's answer.
#pragma once

#include <functional>
#include <string>

#include <pqxx/pqxx>

#include "api/http_reply.h"
#include "store/connection_pool.h"

namespace c4::api {

// f(txn) → reply, inside a read-only transaction. Every database failure (cannot connect,
// connection lost, SQL error) becomes a 503 JSON reply: the REST API never answers 500 for the
// database's sake. `what` names the request in the message ("listing carriers"). A pooled
// connection that turns out broken (the database restarted since its last use) is dropped and
// the request is tried once more on a new connection; a failed connection is never reused.
// Thread-safe.
HttpReply pooled_read(ConnectionPool& pool, const std::string& what,
                      const std::function<HttpReply(pqxx::read_transaction&)>& f);

}  // namespace c4::api
