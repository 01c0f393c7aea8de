#include "store/connection_pool.h"

#include "store/database.h"

namespace c4 {

std::string with_connect_timeout(const std::string& url, int seconds) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  std::string setting = "connect_timeout=" + std::to_string(seconds);
  bool is_uri = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!is_uri) return url + (url.empty() ? "" : " ") + setting;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + setting;
}

ConnectionPool::ConnectionPool(std::string url, ConnectionOpener open, size_t max_idle)
    : url_(with_connect_timeout(url, 3)),
      open_(open ? std::move(open) : ConnectionOpener([](const std::string& u) { return connect_database(u); })),
      max_idle_(max_idle) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_));
}

Result<std::unique_ptr<pqxx::connection>> ConnectionPool::connect() const { return open_(url_); }

Result<ConnectionPool::Lease> ConnectionPool::acquire(bool reuse_idle) {
  if (reuse_idle) {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn), true);
    }
  }
  auto conn = connect();
  if (!conn) return conn.status();
  return Lease(this, std::move(conn.value()), false);
}

size_t ConnectionPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> conn) {
  if (!conn->is_open()) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

}  // namespace c4
