// CDRs as untrusted input that must never be lost (issue 12, part 4; issue 14), against a real
// PostgreSQL: values too long for an index entry, calls that never started, error bodies that
// name no database, and the answers of the search over such rows.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <thread>

#include "api/cdr/cdr_ingest.h"
#include "api/cdr/cdr_search.h"
#include "api/cdr/cdr_writer.h"
#include "cdr_test_database.h"

using namespace c4;
using namespace c4::cdr;
using c4::cdr::testing::CdrTestDatabase;
using nlohmann::json;

namespace {

constexpr const char* kTenant = "0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10";

api::ApiRequest request(const std::string& method, const std::string& path, const std::string& body = "") {
  api::ApiRequest r;
  r.method = method;
  r.path = path;
  r.body = body;
  r.scope = api::TenantScope::everything();
  return r;
}

json cdr_body(const std::string& call_id) {
  return {{"tenant_uuid", kTenant}, {"call_id", call_id}, {"call_start", 1700000000}, {"duration", 3},
          {"from_uri", "sip:+33140000000@example.com"}, {"to_uri", "sip:100@pbx.example.com"}};
}

// Text that does not compress: a btree entry of it stays as long as it is.
std::string random_text(size_t n, unsigned seed) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::mt19937 random(seed);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kChars[random() % 62];
  return s;
}

std::unique_ptr<CdrWriter> start_writer(const std::string& url) {
  CdrWriterOptions options;
  options.database_url = url;
  return CdrWriter::start(options);
}

// Posts `bodies` at once from as many threads (so they share group commits); the statuses.
std::vector<int> post_together(CdrWriter& writer, const std::vector<json>& bodies) {
  std::vector<int> statuses(bodies.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < bodies.size(); ++i)
    threads.emplace_back([&, i] {
      statuses[i] = cdr_ingest_reply(writer, request("POST", "/1.0/kamailio/cdr", bodies[i].dump())).status;
    });
  for (auto& t : threads) t.join();
  return statuses;
}

json search(ConnectionPool& pool, std::multimap<std::string, std::string> query) {
  auto r = request("GET", "/1.0/cdrs");
  r.query = std::move(query);
  auto reply = cdr_search_reply(pool, r);
  REQUIRE(reply.status == 200);
  return json::parse(reply.body);
}

}  // namespace

TEST_CASE("call ids and URIs far longer than an index entry are stored whole beside other CDRs") {
  CdrTestDatabase db("c4test_cdr_long_values");
  db.add_tenant("acme", kTenant);
  auto writer = start_writer(db.url());
  std::string long_call_id = random_text(20000, 1);
  std::string long_user = "+" + random_text(9000, 2);
  std::vector<json> bodies;
  for (int i = 0; i < 12; ++i) bodies.push_back(cdr_body("plain-" + std::to_string(i) + "@host"));
  bodies.push_back(cdr_body(long_call_id));
  json long_uris = cdr_body("long-uris@host");
  long_uris["from_uri"] = "sip:" + long_user + "@example.com";
  long_uris["to_uri"] = "sip:" + random_text(30000, 3) + "@example.com";
  bodies.push_back(long_uris);

  for (int status : post_together(*writer, bodies)) CHECK(status == 200);
  CHECK(db.count() == 14);
  CHECK(db.count("length(call_id) = 20000") == 1);
  CHECK(db.count("length(to_uri) = 30000 + 4 + 12") == 1);

  // Found again through the indexes on the heads of these values, whole.
  ConnectionPool pool(db.url(), open_cdr_reader);
  json by_id = search(pool, {{"call_id", long_call_id}});
  REQUIRE(by_id["items"].size() == 1);
  CHECK(by_id["items"][0]["call_id"] == long_call_id);
  CHECK(search(pool, {{"call_id", long_call_id.substr(0, 19999)}})["items"].empty());
  CHECK(search(pool, {{"caller_prefix", long_user.substr(0, 5000)}})["items"].size() == 1);
  CHECK(search(pool, {{"caller_prefix", long_user.substr(0, 50)}})["items"].size() == 1);
  CHECK(search(pool, {{"caller_prefix", long_user.substr(0, 5000) + "#"}})["items"].empty());
  CHECK(search(pool, {{"caller_prefix", "+3314"}})["items"].size() == 13);
}

TEST_CASE("a CDR of a call that never started is stored with nulls and listed by search") {
  CdrTestDatabase db("c4test_cdr_never_started");
  db.add_tenant("acme", kTenant);
  auto writer = start_writer(db.url());
  for (int i = 0; i < 3; ++i) {
    json body = {{"tenant_uuid", kTenant}, {"call_id", "never-" + std::to_string(i) + "@host"}};
    if (i == 1) body["call_start"] = nullptr, body["duration"] = nullptr;
    auto reply = cdr_ingest_reply(*writer, request("POST", "/1.0/kamailio/cdr", body.dump()));
    REQUIRE(reply.status == 200);
    json answer = json::parse(reply.body);
    CHECK(answer["success"] == true);
    CHECK(answer["cdr"]["call_start"].is_null());
    CHECK(answer["cdr"]["duration"].is_null());
  }
  for (int i = 0; i < 3; ++i)
    REQUIRE(cdr_ingest_reply(*writer, request("POST", "/1.0/kamailio/cdr", cdr_body("started-" + std::to_string(i)).dump()))
                .status == 200);
  CHECK(db.count("call_start IS NULL AND duration IS NULL") == 3);

  // Page by page, two at a time: each of the six rows exactly once, those without start first.
  ConnectionPool pool(db.url(), open_cdr_reader);
  std::vector<std::string> seen;
  std::multimap<std::string, std::string> query = {{"limit", "2"}};
  for (int page = 0; page < 5; ++page) {
    json answer = search(pool, query);
    for (const auto& item : answer["items"]) seen.push_back(item["call_id"]);
    if (answer["next"].is_null()) break;
    query = {{"limit", "2"}, {"after", answer["next"].get<std::string>()}};
  }
  REQUIRE(seen.size() == 6);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 6);
  for (int i = 0; i < 3; ++i) CHECK(seen[i].rfind("never-", 0) == 0);
  // A time range holds only calls that started.
  CHECK(search(pool, {{"from", "2023-01-01"}})["items"].size() == 3);
}

TEST_CASE("a search parameter of invalid UTF-8 or NUL is answered 400 naming it, not 500") {
  CdrTestDatabase db("c4test_cdr_bad_param");
  ConnectionPool pool(db.url(), open_cdr_reader);
  for (const std::string& bad : {std::string("\xff\xfe"), std::string("a\xed\xa0\x80"), std::string("\xc0\xaf"),
                                 std::string("a\0b", 3)}) {
    for (const char* name : {"call_id", "caller_prefix", "tenant"}) {
      auto r = request("GET", "/1.0/cdrs");
      r.query = {{name, bad}};
      auto reply = cdr_search_reply(pool, r);
      CAPTURE(name);
      CHECK(reply.status == 400);
      CHECK(json::parse(reply.body)["error"]["details"]["field"] == name);
    }
  }
  auto r = request("GET", "/1.0/cdrs");
  r.query = {{"call_id", "caf\xc3\xa9 \xf0\x9f\x98\x80"}};
  CHECK(cdr_search_reply(pool, r).status == 200);
}

TEST_CASE("database failures answer without database hosts ports or server messages") {
  int port = test::free_loopback_port();
  std::string url = "postgresql://c4confd@127.0.0.1:" + std::to_string(port) + "/c4confd";
  auto writer = start_writer(url);
  auto ingest = cdr_ingest_reply(*writer, request("POST", "/1.0/kamailio/cdr", cdr_body("down@host").dump()));
  ConnectionPool pool(url, open_cdr_reader);
  auto searched = cdr_search_reply(pool, request("GET", "/1.0/cdrs"));
  for (const api::HttpReply& reply : {ingest, searched}) {
    CAPTURE(reply.body);
    CHECK(reply.status == 503);
    CHECK(json::parse(reply.body)["error"]["details"]["retryable"] == true);
    CHECK(reply.body.find("127.0.0.1") == std::string::npos);
    CHECK(reply.body.find(std::to_string(port)) == std::string::npos);
    CHECK(reply.body.find("c4confd@") == std::string::npos);
    CHECK(reply.body.find("connect") == std::string::npos);  // "could not connect to server", "Connection refused"
  }
}
