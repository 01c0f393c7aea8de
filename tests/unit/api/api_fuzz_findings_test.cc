// What the API fuzzer (api/schemathesis, tests/api/) found, kept as plain regression tests over
// the real binary: each answer's status is one the OpenAPI document lists for its operation,
// and its body has the documented shape.
#include <algorithm>
#include <set>

#include "api/server/openapi.h"
#include "served_binary.h"

namespace c4::test {
namespace {

nlohmann::json document() { return nlohmann::json::parse(api::openapi_document()); }

// The status codes the document lists for (method, path).
std::set<std::string> documented_statuses(const std::string& method, const std::string& path) {
  std::set<std::string> out;
  const nlohmann::json doc = document();  // alive for the loop: items() refers into it
  for (const auto& [code, _] : doc["paths"][path][method]["responses"].items()) out.insert(code);
  return out;
}

}  // namespace

TEST_CASE("a cdr cursor past year 9999 is a documented 400 not a 500") {
  ServedExamples s("c4test_fuzz_cursor");
  auto r = http_get(s.port(), "/1.0/cdrs?after=3683b0e4d5e30ac36043840082bc1d1e", kAdminToken);
  CHECK(r.status == 400);
  CHECK(r.json()["error"]["details"]["field"] == "after");
  CHECK(documented_statuses("get", "/1.0/cdrs").count(std::to_string(r.status)) == 1);
}

TEST_CASE("an unknown tenant in the cdr reads is a 404 the document lists") {
  ServedExamples s("c4test_fuzz_cdr_tenant");
  for (const std::string path : {"/1.0/cdrs", "/1.0/cdrs/stats", "/1.0/cdrs.csv"}) {
    CAPTURE(path);
    std::string query = path == "/1.0/cdrs/stats" ? "?group_by=day&tenant=no-such-tenant" : "?tenant=no-such-tenant";
    auto r = http_get(s.port(), path + query, kAdminToken);
    CHECK(r.status == 404);
    CHECK(documented_statuses("get", path).count("404") == 1);
  }
}

TEST_CASE("the explain answer has exactly the documented keys and the cdr stats of no call have null ratios") {
  ServedExamples s("c4test_fuzz_explain_schema");
  auto doc = document();
  auto schema = doc["components"]["schemas"]["ExplainResponse"];
  std::set<std::string> documented;
  for (const auto& [key, _] : schema["properties"].items()) documented.insert(key);
  CHECK(schema["required"].get<std::set<std::string>>() == documented);
  nlohmann::json call = {{"source_ip", "192.0.2.10"}, {"from_uri", "sip:0140000123@192.0.2.10"},
                         {"to_uri", "sip:0561234567@192.0.2.10"}};
  auto r = http_send(s.port(), "POST", "/1.0/routing/explain", call.dump(), kAdminToken);
  REQUIRE(r.status == 200);
  std::set<std::string> answered;
  const nlohmann::json answer = r.json();  // alive for the loop: items() refers into it
  for (const auto& [key, _] : answer.items()) answered.insert(key);
  CHECK(answered == documented);
  auto match_kinds = schema["properties"]["match"]["properties"]["kind"]["enum"];
  CHECK(std::find(match_kinds.begin(), match_kinds.end(), r.json()["match"]["kind"]) != match_kinds.end());

  // No call at all: answered / calls has no value, and the document says it may be null.
  auto stats = http_get(s.port(), "/1.0/cdrs/stats?group_by=none", kAdminToken);
  REQUIRE(stats.status == 200);
  REQUIRE(stats.json()["items"].size() == 1);
  CHECK(stats.json()["items"][0]["asr"].is_null());
  auto item = doc["components"]["schemas"]["CdrStats"]["properties"]["items"]["items"]["properties"];
  CHECK(item["asr"]["nullable"] == true);
  CHECK(item["acd"]["nullable"] == true);
}

}  // namespace c4::test
