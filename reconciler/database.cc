#include "reconciler/database.h"

#include <regex>

namespace c4 {

std::string redact_url(const std::string& url) {
  static const std::regex password(R"(^([a-z]+://[^:/@]*:)[^@]*@)");
  return std::regex_replace(url, password, "$1***@");
}

Result<std::unique_ptr<pqxx::connection>> connect_database(const std::string& url) {
  if (url.empty()) return Status::invalid("no database URL (set --database-url or C4CONFD_DATABASE_URL)");
  try {
    return std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& e) {
    std::string why = e.what();
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Status::unavailable("cannot connect to PostgreSQL at " + redact_url(url) + ": " + why);
  }
}

Status database_error(const std::exception& e, const std::string& context) {
  std::string why = e.what();
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e) ||
      dynamic_cast<const pqxx::serialization_failure*>(&e) || dynamic_cast<const pqxx::deadlock_detected*>(&e))
    return Status::unavailable(context + ": " + why);
  return Status::internal(context + ": " + why);
}

}  // namespace c4
