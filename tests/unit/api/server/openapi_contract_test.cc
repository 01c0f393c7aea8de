// The OpenAPI document as a contract for client generators and readers: every operation is
// named (operationId, unique) and shows an example, and the error vocabulary it documents is
// exactly the one the handlers use (api/http_reply.h, kErrorCodes).
#include <set>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "api/http_reply.h"
#include "api/server/openapi.h"
#include "api/error_vocabulary.h"

namespace c4::test {
namespace {

using nlohmann::json;

const json& document() {
  static const json doc = json::parse(api::openapi_document());
  return doc;
}

// `node` with a local $ref followed (responses are often shared components).
const json& resolved(const json& node) {
  const json* at = &node;
  while (at->is_object() && at->contains("$ref"))
    at = &document().at(json::json_pointer(at->at("$ref").get<std::string>().substr(1)));
  return *at;
}

bool has_example(const json& media) { return media.contains("example") || media.contains("examples"); }

// An operation shows an example when its request body has one (it must, when it has a body)
// and so does every content of its 2xx answers; an operation whose 2xx answers have no
// content (204) shows one on another answer instead, or on a header (a redirect's Location).
std::string missing_example(const json& operation) {
  if (operation.contains("requestBody"))
    for (const auto& [type, media] : resolved(operation["requestBody"]).at("content").items())
      if (!has_example(media)) return "request body " + type;
  bool shown = false;
  for (const auto& [status, response] : operation.at("responses").items()) {
    const json& r = resolved(response);
    // A redirect shows where it sends: an example of its Location header.
    if (r.contains("headers"))
      for (const auto& [name, header] : r["headers"].items()) shown = shown || has_example(header);
    if (!r.contains("content")) continue;
    for (const auto& [type, media] : r["content"].items()) {
      if (status.front() == '2' && !has_example(media)) return "response " + status + " " + type;
      shown = shown || has_example(media);
    }
  }
  return shown || operation.contains("requestBody") ? "" : "every response";
}

}  // namespace

TEST_CASE("every OpenAPI operation has a unique operationId and an example") {
  std::set<std::string> ids;
  size_t operations = 0;
  for (const auto& [path, item] : document().at("paths").items())
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters") continue;
      ++operations;
      const std::string where = method + " " + path;  // a copy: clang 14 lets no lambda take a binding
      CAPTURE(where);
      REQUIRE(operation.contains("operationId"));
      std::string id = operation["operationId"];
      CHECK(!id.empty());
      CHECK(ids.insert(id).second);
      CHECK(missing_example(operation) == "");
    }
  CHECK(operations >= 40);
}

TEST_CASE("the example check fails an operation without one") {
  json bare = {{"responses", {{"200", {{"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}}}}};
  CHECK(missing_example(bare) == "response 200 application/json");
  json no_content = {{"responses", {{"204", {{"description", "done"}}}}}};
  CHECK(missing_example(no_content) == "every response");
  json body_without = {{"requestBody", {{"content", {{"application/json", json::object()}}}}}, {"responses", json::object()}};
  CHECK(missing_example(body_without) == "request body application/json");
}

TEST_CASE("the OpenAPI Error schema lists exactly the codes the handlers use") {
  const json& code = document().at(json::json_pointer("/components/schemas/Error/properties/error/properties/code"));
  std::set<std::string> documented;
  for (const auto& c : code.at("enum")) documented.insert(c.get<std::string>());
  std::set<std::string> used(api::kErrorCodes.begin(), api::kErrorCodes.end());
  CHECK(documented == used);
}

TEST_CASE("every error answer of every operation is a shared response of the Error schema") {
  for (const auto& [path, item] : document().at("paths").items())
    for (const auto& [method, operation] : item.items())
      for (const auto& [status, response] : operation.at("responses").items()) {
        if (status.front() != '4' && status.front() != '5') continue;
        const std::string where = method + " " + path + " " + status;  // a copy, for clang 14
        CAPTURE(where);
        REQUIRE(response.contains("$ref"));
        CHECK(response["$ref"].get<std::string>().rfind("#/components/responses/", 0) == 0);
        CHECK(resolved(response)["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error");
      }
}

}  // namespace c4::test
