#include "store/database.h"

#include "common/text.h"
#include "common/url.h"

namespace c4 {

Result<std::unique_ptr<pqxx::connection>> connect_database(const std::string& url) {
  if (url.empty()) return Status::invalid("no database URL (set --database-url or C4CONFD_DATABASE_URL)");
  try {
    return std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& e) {
    return Status::unavailable("cannot connect to PostgreSQL at " + redact_url(url) + ": " + trim_end(e.what()));
  }
}

Status database_error(const std::exception& e, const std::string& context) {
  std::string why = trim_end(e.what());
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e) ||
      dynamic_cast<const pqxx::serialization_failure*>(&e) || dynamic_cast<const pqxx::deadlock_detected*>(&e))
    return Status::unavailable(context + ": " + why);
  return Status::internal(context + ": " + why);
}

std::string id_array(const std::vector<int64_t>& ids) {
  std::string s = "{";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "}";
}

}  // namespace c4
