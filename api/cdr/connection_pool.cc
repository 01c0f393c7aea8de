#include "api/cdr/connection_pool.h"

#include "api/cdr/cdr_database.h"

namespace c4::cdr {

ConnectionPool::ConnectionPool(std::string url, std::string application_name, size_t max_idle)
    : url_(std::move(url)), application_name_(std::move(application_name)), max_idle_(max_idle) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ && conn_) pool_->give_back(std::move(conn_));
}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  auto conn = open_cdr_connection(url_, application_name_);
  if (!conn) return conn.status();
  return Lease(this, std::move(conn.value()));
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

}  // namespace c4::cdr
