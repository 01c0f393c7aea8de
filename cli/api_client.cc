#include "cli/api_client.h"

#include <httplib.h>

#include "common/escape.h"

namespace c4::cli {

Result<ApiClient> ApiClient::open(const std::string& base_url, std::string token) {
  auto scheme_end = base_url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : base_url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https")
    return Status::invalid("--api-url \"" + base_url + "\": expected http://HOST:PORT or https://HOST");
  auto path_start = base_url.find('/', scheme_end + 3);
  ApiClient client;
  client.origin_ = base_url.substr(0, path_start);
  client.prefix_ = path_start == std::string::npos ? "" : base_url.substr(path_start);
  while (!client.prefix_.empty() && client.prefix_.back() == '/') client.prefix_.pop_back();
  if (client.origin_.size() <= scheme_end + 3) return Status::invalid("--api-url \"" + base_url + "\": no host");
  client.token_ = std::move(token);
  return client;
}

Result<ApiAnswer> ApiClient::get(const std::string& path) const { return send("GET", path, ""); }

Result<ApiAnswer> ApiClient::post(const std::string& path, const nlohmann::json& body) const {
  return send("POST", path, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<ApiAnswer> ApiClient::send(const std::string& method, const std::string& path, const std::string& body) const {
  httplib::Client http(origin_);
  if (!http.is_valid()) return Status::invalid("cannot reach " + origin_);
  http.enable_server_certificate_verification(true);
  http.set_connection_timeout(10, 0);
  http.set_read_timeout(30, 0);
  httplib::Headers headers;
  if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
  auto res = method == "GET" ? http.Get(prefix_ + path, headers)
                             : http.Post(prefix_ + path, headers, body, "application/json");
  if (!res) return Status::unavailable("no answer from " + origin_ + ": " + httplib::to_string(res.error()));
  ApiAnswer answer;
  answer.status = res->status;
  answer.raw = res->body;
  answer.body = nlohmann::json::parse(res->body, nullptr, false);
  if (answer.body.is_discarded()) answer.body = nullptr;
  return answer;
}

std::string describe_error(const ApiAnswer& answer) {
  std::string text = "HTTP " + std::to_string(answer.status);
  if (answer.body.is_object() && answer.body.contains("error") && answer.body["error"].is_object()) {
    const auto& e = answer.body["error"];
    text += " " + escape_for_text(e.value("code", "")) + ": " + escape_for_text(e.value("message", ""));
  }
  return text;
}

}  // namespace c4::cli
