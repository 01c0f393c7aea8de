#include "store/connection_pool.h"

#include "api/database_reply.h"
#include "common/log.h"
#include "store/database.h"

namespace c4::api {

std::string with_connect_timeout(const std::string& url, int seconds) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  std::string setting = "connect_timeout=" + std::to_string(seconds);
  bool is_uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!is_uri) return url + (url.empty() ? "" : " ") + setting;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + setting;
}

ConnectionPool::ConnectionPool(std::string url, size_t max_idle)
    : url_(with_connect_timeout(url, 3)), max_idle_(max_idle) {}

Result<std::unique_ptr<pqxx::connection>> ConnectionPool::connect() const { return connect_database(url_); }

std::unique_ptr<pqxx::connection> ConnectionPool::take() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return nullptr;
  auto conn = std::move(idle_.back());
  idle_.pop_back();
  return conn;
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> conn) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

HttpReply ConnectionPool::read(const std::string& what, const std::function<HttpReply(pqxx::read_transaction&)>& f) {
  // The reason names hosts, ports and server messages: logged, never in the body.
  auto unavailable = [&](const std::string& why) { return database_failure_reply(Status::unavailable(why), what); };
  // An idle connection may have died with a database restart since it was last used: when a
  // pooled one turns out broken, the request is tried once more on a fresh connection.
  for (int attempt = 0;; ++attempt) {
    auto conn = attempt == 0 ? take() : nullptr;
    bool pooled = conn != nullptr;
    if (!conn) {
      auto fresh = connect();
      if (!fresh) return unavailable(fresh.status().message());
      conn = std::move(fresh.value());
    }
    try {
      HttpReply reply;
      {
        pqxx::read_transaction txn(*conn);
        reply = f(txn);
      }
      give_back(std::move(conn));
      return reply;
    } catch (const pqxx::broken_connection& e) {
      if (!pooled) return unavailable(database_error(e, what).message());
    } catch (const pqxx::failure& e) {
      // The connection may be mid-error: drop it rather than hand it to the next caller.
      return unavailable(database_error(e, what).message());
    }
  }
}

}  // namespace c4::api
