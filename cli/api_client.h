// The HTTP client of `c4confd ctl`: JSON requests to the API with a bearer token.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/http_client.h"
#include "common/status.h"

namespace c4::cli {

struct ApiAnswer {
  int status = 0;
  nlohmann::json body;  // parsed JSON; null when the body was not JSON
  std::string raw;
};

class ApiClient {
 public:
  // `base_url`: "http://host:port" or "https://host[/prefix]". Errors: invalid URL.
  static Result<ApiClient> open(const std::string& base_url, std::string token);
  // GET or POST (`body` for POST) of `path` ("/1.0/status"); unavailable when no answer came.
  Result<ApiAnswer> get(const std::string& path) const;
  Result<ApiAnswer> post(const std::string& path, const nlohmann::json& body) const;

 private:
  Result<ApiAnswer> send(const std::string& method, const std::string& path, const std::string& body) const;
  HttpUrl url_;  // the API's base; its path prefixes every request's
  std::string token_;
};

// "HTTP 403 forbidden: this path …" for an error answer (the API's error shape, or its status).
std::string describe_error(const ApiAnswer& answer);

}  // namespace c4::cli
