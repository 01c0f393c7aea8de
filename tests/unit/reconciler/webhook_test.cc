// Webhook authentication (GitHub HMAC signature, GitLab token) and the answers of
// POST /hooks/git, as pure functions and through the API's own server (api/server/server.h).
#include "api/calls/git_webhook.h"

#include <atomic>
#include <memory>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "api/server/server.h"

namespace c4 {
namespace {

using api::handle_git_webhook;

// GitHub's documented example ("Validating webhook deliveries").
constexpr const char* kGithubSecret = "It's a Secret to Everybody";
constexpr const char* kGithubBody = "Hello, World!";
constexpr const char* kGithubSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

struct Call {
  api::HttpReply reply;
  int triggers = 0;
};

Call post(const WebhookConfig& config, std::map<std::string, std::string> headers, const std::string& body) {
  Call call;
  auto header = [&](std::string_view name) {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string() : it->second;
  };
  call.reply = handle_git_webhook(config, header, body, [&] { ++call.triggers; });
  return call;
}

std::string error_code(const api::HttpReply& reply) {
  return nlohmann::json::parse(reply.body)["error"]["code"].get<std::string>();
}

}  // namespace

TEST_CASE("A GitHub signature of the body with the secret is accepted") {
  CHECK(verify_github_signature(kGithubSecret, kGithubBody, kGithubSignature));
  std::string upper = kGithubSignature;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  CHECK(verify_github_signature(kGithubSecret, kGithubBody, upper));
}

TEST_CASE("A GitHub signature is refused for another body or secret or a malformed header") {
  CHECK_FALSE(verify_github_signature(kGithubSecret, "Hello, World?", kGithubSignature));
  CHECK_FALSE(verify_github_signature("another secret", kGithubBody, kGithubSignature));
  CHECK_FALSE(verify_github_signature(kGithubSecret, kGithubBody, std::string(kGithubSignature).substr(7)));
  CHECK_FALSE(verify_github_signature(kGithubSecret, kGithubBody, std::string(kGithubSignature).substr(0, 70)));
  CHECK_FALSE(verify_github_signature(kGithubSecret, kGithubBody, "sha1=757107ea0eb2509fc211221cce984b8a37570b6d"));
  CHECK_FALSE(verify_github_signature(kGithubSecret, kGithubBody, ""));
  CHECK_FALSE(verify_github_signature("", kGithubBody, kGithubSignature));
}

TEST_CASE("A GitLab token is accepted only when it equals the secret") {
  CHECK(verify_gitlab_token("s3cret-token", "s3cret-token"));
  CHECK_FALSE(verify_gitlab_token("s3cret-token", "s3cret-toke"));
  CHECK_FALSE(verify_gitlab_token("s3cret-token", "s3cret-token "));
  CHECK_FALSE(verify_gitlab_token("s3cret-token", ""));
  CHECK_FALSE(verify_gitlab_token("", ""));
}

TEST_CASE("An authenticated hook is accepted with 202 and triggers one fetch") {
  WebhookConfig config{kGithubSecret};
  auto github = post(config, {{"X-Hub-Signature-256", kGithubSignature}}, kGithubBody);
  CHECK(github.reply.status == 202);
  CHECK(github.triggers == 1);
  CHECK(nlohmann::json::parse(github.reply.body)["accepted"] == true);
  auto gitlab = post(config, {{"X-Gitlab-Token", kGithubSecret}}, "{}");
  CHECK(gitlab.reply.status == 202);
  CHECK(gitlab.triggers == 1);
}

TEST_CASE("A hook with a bad or missing signature gets 401 and triggers nothing") {
  WebhookConfig config{kGithubSecret};
  for (const auto& headers : std::vector<std::map<std::string, std::string>>{
           {}, {{"X-Hub-Signature-256", "sha256=00"}}, {{"X-Gitlab-Token", "guess"}},
           {{"X-Hub-Signature-256", kGithubSignature}}}) {  // the last one signs another body
    auto call = post(config, headers, "Hello, World?");
    CHECK(call.reply.status == 401);
    CHECK(error_code(call.reply) == "unauthorized");
    CHECK(call.triggers == 0);
  }
}

TEST_CASE("Without a secret every hook is refused with 403 saying so") {
  auto call = post(WebhookConfig{}, {{"X-Gitlab-Token", ""}}, "{}");
  CHECK(call.reply.status == 403);
  CHECK(error_code(call.reply) == "forbidden");
  CHECK(nlohmann::json::parse(call.reply.body)["error"]["message"].get<std::string>().find("no secret") !=
        std::string::npos);
  CHECK(call.triggers == 0);
}

TEST_CASE("A hook body over the limit gets 413 and triggers nothing") {
  WebhookConfig config{kGithubSecret, 16};
  auto call = post(config, {{"X-Gitlab-Token", kGithubSecret}}, std::string(17, 'x'));
  CHECK(call.reply.status == 413);
  CHECK(error_code(call.reply) == "body_too_large");
  CHECK(call.triggers == 0);
  CHECK(post(config, {{"X-Gitlab-Token", kGithubSecret}}, std::string(16, 'x')).reply.status == 202);
}

TEST_CASE("The webhook route answers over HTTP with JSON") {
  api::ServerOptions options;
  options.port = 0;
  api::Server server(options, std::make_shared<api::Metrics>("test"),
                     api::open_routes_only());
  std::atomic<int> triggers{0};
  WebhookConfig config{kGithubSecret};
  server.mount("POST", "/hooks/git", api::Access::open, [&](const api::ApiRequest& r) {
    return handle_git_webhook(config, r.header, r.body, [&] { ++triggers; });
  });
  REQUIRE(server.start().is_ok());
  httplib::Client client("127.0.0.1", server.port());
  auto ok = client.Post("/hooks/git", {{"X-Hub-Signature-256", kGithubSignature}}, kGithubBody, "application/json");
  auto bad = client.Post("/hooks/git", {{"X-Hub-Signature-256", kGithubSignature}}, "tampered", "application/json");
  server.stop();
  REQUIRE(ok);
  REQUIRE(bad);
  CHECK(ok->status == 202);
  CHECK(ok->get_header_value("Content-Type") == "application/json");
  CHECK(bad->status == 401);
  CHECK(error_code(api::HttpReply{bad->status, "", bad->body}) == "unauthorized");
  CHECK(triggers == 1);
}

}  // namespace c4
