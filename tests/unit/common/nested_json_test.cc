// Deeply nested JSON bodies over the real binary: a body of 1 MB that only opens arrays or
// objects is refused with 400 at once, on every endpoint that parses a body, and the server
// keeps answering. (A valid document nested a million deep used to crash the server when an
// error message printed it back.)
#include <chrono>

#include "common/json_depth.h"
#include "served_binary.h"

namespace c4::test {
namespace {

constexpr size_t kBodyBytes = 1000000;

std::string brackets() { return std::string(kBodyBytes, '['); }

std::string object_keys() {
  std::string out;
  while (out.size() + 5 <= kBodyBytes) out += "{\"a\":";
  return out;
}

// A valid document whose field `field` holds arrays nested about 490,000 deep, inside an
// otherwise well-formed request of the endpoint.
std::string deep_field(nlohmann::json request, const std::string& field) {
  std::string text = request.dump();
  size_t depth = (kBodyBytes - text.size()) / 2 - 16;
  text.pop_back();  // the closing brace
  return text + ",\"" + field + "\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

struct Post {
  std::string path, token;
};

}  // namespace

TEST_CASE("json depth scan finds the first bracket past the limit and ignores brackets in strings") {
  CHECK(json_too_deep_at("[[[]]]", 3) == std::nullopt);
  CHECK(json_too_deep_at("[[[[]]]]", 3) == 3u);
  CHECK(json_too_deep_at(R"({"a":{"b":{"c":{}}}})", 3) == 15u);
  CHECK(json_too_deep_at(R"(["[[[[[", "\"[[[["])", 2) == std::nullopt);
  CHECK(json_too_deep_at(std::string(kMaxJsonDepth, '[')) == std::nullopt);
  CHECK(json_too_deep_at(std::string(kMaxJsonDepth + 1, '[')) == kMaxJsonDepth);
  CHECK(json_depth_error("[]").empty());
  CHECK(json_depth_error(std::string(100, '[')) == "body: JSON nested deeper than 64 levels (at byte 64)");
}

TEST_CASE("a 1 MB deeply nested body is refused with 400 quickly on routing explain and cdr ingest") {
  ServedExamples s("c4test_nested_json");
  nlohmann::json routing = {{"source_ip", "203.0.113.10"}, {"from_uri", "sip:0611223344@203.0.113.10"},
                            {"to_uri", "sip:0140000123@203.0.113.10"}, {"call_id", "deep"}};
  nlohmann::json cdr = {{"tenant_id", "c8c31ae4-d859-44af-8097-91c0941a5571"}, {"call_id", "deep"},
                        {"call_start", 1795000000}, {"duration", 1}};
  struct Case {
    std::string what;
    Post post;
    std::string body;
  };
  const Post kRouting{"/1.0/kamailio/routing", ""}, kAuth{"/1.0/kamailio/auth", ""},
      kExplain{"/1.0/routing/explain", kAdminToken}, kCdr{"/1.0/kamailio/cdr", ""};
  std::vector<Case> cases = {
      {"routing [[[", kRouting, brackets()},
      {"routing {\"a\":", kRouting, object_keys()},
      {"routing auth: deep", kRouting, deep_field(routing, "auth")},
      {"auth [[[", kAuth, brackets()},
      {"explain [[[", kExplain, brackets()},
      {"explain {\"a\":", kExplain, object_keys()},
      {"explain at: deep", kExplain, deep_field(routing, "at")},
      {"cdr [[[", kCdr, brackets()},
      {"cdr {\"a\":", kCdr, object_keys()},
      {"cdr duration: deep", kCdr, deep_field(cdr, "duration")},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    REQUIRE(c.body.size() <= kBodyBytes);
    auto started = std::chrono::steady_clock::now();
    auto r = http_send(s.port(), "POST", c.post.path, c.body, c.post.token);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    MESSAGE(c.what << ": HTTP " << r.status << " in " << ms << " ms for " << c.body.size() << " bytes");
    CHECK(r.status == 400);
    if (r.status == 400) {
      CHECK(r.json()["error"]["details"]["field"] == "body");
      CHECK(r.json()["error"]["message"].get<std::string>().find("nested deeper than") != std::string::npos);
    }
    CHECK(ms < 2000);
    // Still serving: the refusal cost the server nothing lasting.
    REQUIRE(s.serve->process().running());
  }
  auto after = http_send(s.port(), "POST", "/1.0/kamailio/routing", routing.dump());
  CHECK(after.status == 200);
}

}  // namespace c4::test
