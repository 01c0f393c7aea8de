#include "cli/api_client.h"

#include "common/escape.h"

namespace c4::cli {

Result<ApiClient> ApiClient::open(const std::string& base_url, std::string token) {
  auto url = parse_http_url(base_url, "--api-url");
  if (!url) return url.status();
  ApiClient client;
  client.url_ = std::move(url.value());
  while (!client.url_.target.empty() && client.url_.target.back() == '/') client.url_.target.pop_back();
  client.token_ = std::move(token);
  return client;
}

Result<ApiAnswer> ApiClient::get(const std::string& path) const { return send("GET", path, ""); }

Result<ApiAnswer> ApiClient::post(const std::string& path, const nlohmann::json& body) const {
  return send("POST", path, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<ApiAnswer> ApiClient::send(const std::string& method, const std::string& path, const std::string& body) const {
  HttpCall call;
  call.method = method;
  call.path_suffix = path;
  if (!token_.empty()) call.headers.emplace_back("Authorization", "Bearer " + token_);
  call.body = body;
  call.timeout = std::chrono::seconds(30);
  call.body_limit = 64 << 20;  // a long revision list
  auto res = http_call(url_, call);
  if (!res) return res.status();  // unavailable: no answer ("GET http://host:port: connect: …")
  ApiAnswer answer;
  answer.status = res->status;
  answer.raw = std::move(res->body);
  answer.body = nlohmann::json::parse(answer.raw, nullptr, false);
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
