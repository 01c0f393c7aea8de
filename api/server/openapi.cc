#include "api/server/openapi.h"

#include <map>

#include <nlohmann/json.hpp>

#include "common/text.h"

namespace c4 {
const std::map<std::string, std::string>& embedded_api_documents();  // generated: api/*.json
}

namespace c4::api {

const std::string& openapi_document() {
  static const std::string& text = embedded_api_documents().at("openapi.json");
  return text;
}

std::vector<DocumentedOperation> openapi_operations() {
  std::vector<DocumentedOperation> out;
  auto doc = nlohmann::json::parse(openapi_document());
  for (const auto& [path, item] : doc.at("paths").items())
    for (const auto& [method, operation] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.push_back({upper, path, operation.value("x-c4-owner", "")});
    }
  return out;
}

}  // namespace c4::api
