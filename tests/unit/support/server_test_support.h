// Helpers for the API server tests: a scratch database with the examples applied, a running
// ApiService on 127.0.0.1 and a free port, and a small HTTP client.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "api/server/api_service.h"
#include "common/sha.h"
#include "test_database.h"
#include "test_wait.h"
#include "store/database.h"
#include "store/migrations.h"
#include "reconciler/reconcile_pass.h"

namespace c4::test {

// The plain demo tokens of examples/README.md, and one more for tenant lagoon alone.
inline const std::string kNocToken = "c4demo-noc-8c1f2e7a94b3d605";    // acme and lagoon
inline const std::string kAcmeToken = "c4demo-acme-3e9d41b07fa2c658";  // acme
inline const std::string kLagoonToken = "test-lagoon-token-5b0c";      // lagoon (added by the tests)
inline const std::string kAdminToken = "test-admin-token-9f1d";
inline const std::string kKamailioToken = "test-kamailio-token-77ab";

inline std::string lagoon_token_manifest() {
  return "apiVersion: c4confd/v1\nkind: ApiToken\nmetadata: {name: lagoon-portal, labels: {team: customer-portal}}\n"
         "spec:\n  description: Lagoon's portal\n  sha256: " + sha256_hex(kLagoonToken) + "\n  tenants: [lagoon]\n";
}

// The scratch database of the server tests is the one test database fixture.
using ScratchDatabase = TestDatabase;

// examples/ plus the lagoon token, copied into `dir`.
inline std::filesystem::path examples_copy(const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::copy(std::filesystem::path(C4_SOURCE_DIR) / "examples", dir, std::filesystem::copy_options::recursive);
  std::ofstream(dir / "test-tokens.yaml") << lagoon_token_manifest();
  return dir;
}

inline void apply_directory(pqxx::connection& conn, const std::filesystem::path& dir) {
  auto revision = RevisionSource::open_directory(dir)->load();
  REQUIRE(revision.is_ok());
  auto outcome = reconcile_revision(conn, *revision, **SchemaSet::builtin(), {});
  REQUIRE_MESSAGE(outcome.status.is_ok(), outcome.status.message());
}

// Options for a service on 127.0.0.1, any free port, tokens above, short poll interval.
inline api::ApiServiceOptions service_options(const std::string& database_url) {
  api::ApiServiceOptions o;
  o.server.host = "127.0.0.1";
  o.server.port = 0;
  o.server.workers = 8;
  o.database_url = database_url;
  o.admin_token = kAdminToken;
  o.kamailio_token = kKamailioToken;
  o.trusted_networks = api::parse_network_list("127.0.0.0/8,::1/128").value();
  o.repo_url = "https://git.example/acme/c4-config.git";
  o.poll_interval = std::chrono::milliseconds(200);
  o.version = "test";
  return o;
}


struct Reply {
  int status = 0;  // 0: no answer
  std::string body;
  httplib::Headers headers;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

inline Reply to_reply(const httplib::Result& r) {
  if (!r) return {};
  return Reply{r->status, r->body, r->headers};
}

inline httplib::Headers auth(const std::string& token) {
  if (token.empty()) return {};
  return {{"Authorization", "Bearer " + token}};
}

inline Reply http_get(int port, const std::string& path, const std::string& token = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  return to_reply(client.Get(path.c_str(), auth(token)));
}

inline Reply http_send(int port, const std::string& method, const std::string& path, const std::string& body,
                       const std::string& token = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  auto headers = auth(token);
  if (method == "POST") return to_reply(client.Post(path.c_str(), headers, body, "application/json"));
  if (method == "PUT") return to_reply(client.Put(path.c_str(), headers, body, "application/json"));
  if (method == "PATCH") return to_reply(client.Patch(path.c_str(), headers, body, "application/json"));
  if (method == "DELETE") return to_reply(client.Delete(path.c_str(), headers, body, "application/json"));
  return {};
}

// The error code of a JSON error reply ("" when the body is not one).
inline std::string error_code(const Reply& r) {
  try {
    return r.json().at("error").at("code").get<std::string>();
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace c4::test

namespace c4::test {

// The examples (plus the lagoon token) applied to a scratch database and an ApiService serving
// it on a free port, ready (first snapshot loaded) when the constructor returns.
class ExamplesService {
 public:
  explicit ExamplesService(const std::string& name,
                           const std::function<void(api::ApiServiceOptions&)>& tweak = {},
                           const std::function<void(api::ApiService&)>& before_start = {})
      : db_(name) {
    dir_ = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    apply_directory(db_.conn(), examples_copy(dir_));
    auto options = service_options(db_.url());
    if (tweak) tweak(options);
    service_ = std::move(api::ApiService::create(options).value());
    if (before_start) before_start(*service_);
    REQUIRE(service_->start().is_ok());
    port_ = service_->server().port();
    if (!before_start) REQUIRE(eventually([&] { return service_->watcher().ready(); }));
  }
  ~ExamplesService() {
    service_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  int port() const { return port_; }
  api::ApiService& service() { return *service_; }
  ScratchDatabase& db() { return db_; }
  const std::filesystem::path& dir() const { return dir_; }
  Reply get(const std::string& path, const std::string& token = kAdminToken) { return http_get(port_, path, token); }

 private:
  ScratchDatabase db_;
  std::filesystem::path dir_;
  std::unique_ptr<api::ApiService> service_;
  int port_ = 0;
};

}  // namespace c4::test
