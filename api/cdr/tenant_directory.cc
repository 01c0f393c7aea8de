#include "api/cdr/tenant_directory.h"

#include "store/database.h"

namespace c4::cdr {

Status TenantDirectory::refresh(pqxx::connection& conn) {
  auto fresh = std::make_shared<std::unordered_set<std::string>>();
  Status read = with_database(conn, "reading the tenants table", [&](pqxx::connection& c) {
    pqxx::read_transaction txn(c);
    for (const auto& row : txn.exec("SELECT uuid::text FROM tenants")) fresh->insert(row[0].c_str());
    return Status::ok();
  });
  if (!read) return read;
  std::unique_lock lock(mutex_);
  uuids_ = std::move(fresh);
  refreshed_at_ = std::chrono::steady_clock::now();
  return Status::ok();
}

bool TenantDirectory::loaded() const {
  std::shared_lock lock(mutex_);
  return uuids_ != nullptr;
}

bool TenantDirectory::contains(std::string_view tenant_uuid) const {
  std::shared_lock lock(mutex_);
  return uuids_ && uuids_->count(std::string(tenant_uuid)) > 0;
}

size_t TenantDirectory::size() const {
  std::shared_lock lock(mutex_);
  return uuids_ ? uuids_->size() : 0;
}

std::chrono::steady_clock::time_point TenantDirectory::refreshed_at() const {
  std::shared_lock lock(mutex_);
  return refreshed_at_;
}

}  // namespace c4::cdr
