#include "api/server/pooled_read.h"

#include "api/database_reply.h"
#include "store/database.h"

namespace c4::api {

HttpReply pooled_read(ConnectionPool& pool, const std::string& what,
                      const std::function<HttpReply(pqxx::read_transaction&)>& f) {
  // The reason names hosts, ports and server messages: logged, never in the body.
  auto unavailable = [&](const std::string& why) { return database_failure_reply(Status::unavailable(why), what); };
  // The second attempt, on a new connection, is made only after a reused one broke.
  for (bool reuse_idle : {true, false}) {
    auto lease = pool.acquire(reuse_idle);
    if (!lease) return unavailable(lease.status().message());
    try {
      HttpReply reply;
      {
        pqxx::read_transaction txn(**lease);
        reply = f(txn);
      }
      return reply;  // the lease gives the connection back
    } catch (const pqxx::broken_connection& e) {
      lease->discard();
      if (!lease->reused()) return unavailable(database_error(e, what).message());
    } catch (const pqxx::failure& e) {
      // The connection may be mid-error: drop it rather than hand it to the next caller.
      lease->discard();
      return unavailable(database_error(e, what).message());
    }
  }
  return unavailable("no connection could be used");
}

}  // namespace c4::api
