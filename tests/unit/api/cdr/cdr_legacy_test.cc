// The old service's CDR paths: GET /1.0/cdrs/{id} and `offset` paging with a total, against a
// real PostgreSQL, tenant-scoped like the search.
#include <doctest/doctest.h>

#include <algorithm>

#include "api/cdr/cdr_database.h"
#include "api/cdr/cdr_search.h"
#include "api/cdr/cdr_time.h"
#include "cdr_test_database.h"

using namespace c4;
using namespace c4::cdr;
using c4::cdr::testing::CdrTestDatabase;
using nlohmann::json;

namespace {

constexpr const char* kAcme = "0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10";
constexpr const char* kGlobex = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

CdrRecord cdr_at(const char* tenant, const std::string& call_id, int minute) {
  CdrRecord r;
  r.tenant_uuid = tenant;
  r.call_id = call_id;
  std::string why;
  r.call_start_us = *parse_time_text("2026-11-26T10:" + std::string(minute < 10 ? "0" : "") + std::to_string(minute) + ":00Z", why);
  r.from_uri = "sip:+33140000001@a";
  r.to_uri = "sip:+33612345678@b";
  r.duration = minute;
  r.source_ip = "192.0.2.1";
  r.source_port = 5060;
  return r;
}

// acme: a0..a4 (a4 newest), globex: g0.
std::vector<StoredCdr> load(CdrTestDatabase& db) {
  db.add_tenant("acme", kAcme);
  db.add_tenant("globex", kGlobex);
  PartitionCache partitions;
  std::vector<CdrRecord> records;
  for (int i = 0; i < 5; ++i) records.push_back(cdr_at(kAcme, "a" + std::to_string(i), i));
  records.push_back(cdr_at(kGlobex, "g0", 30));
  auto stored = insert_cdr_batch(db.conn(), records, partitions);
  REQUIRE_MESSAGE(stored.is_ok(), stored.status().message());
  return *stored;
}

api::ApiRequest request(const api::TenantScope& scope, std::multimap<std::string, std::string> query,
                        std::map<std::string, std::string> path_params = {}) {
  api::ApiRequest r;
  r.method = "GET";
  r.path = "/1.0/cdrs";
  r.query = std::move(query);
  r.path_params = std::move(path_params);
  r.scope = scope;
  return r;
}

const api::TenantScope kAcmeOnly{false, {kAcme}};

}  // namespace

TEST_CASE("a CDR is read by id within the caller's tenants and another tenant's is a 404") {
  CdrTestDatabase db("c4test_cdr_by_id");
  auto stored = load(db);
  ConnectionPool pool(db.url());
  auto by_call_id = [&](const std::string& call_id) {
    auto it = std::find_if(stored.begin(), stored.end(), [&](const StoredCdr& c) { return c.record.call_id == call_id; });
    REQUIRE(it != stored.end());
    return *it;
  };
  StoredCdr a2 = by_call_id("a2");
  auto reply = cdr_by_id_reply(pool, request(kAcmeOnly, {}, {{"id", std::to_string(a2.id)}}));
  REQUIRE(reply.status == 200);
  json body = json::parse(reply.body);
  CHECK(body["call_id"] == "a2");
  CHECK(body["id"] == a2.id);
  CHECK(body["tenant_uuid"] == kAcme);

  StoredCdr g0 = by_call_id("g0");
  auto hidden = cdr_by_id_reply(pool, request(kAcmeOnly, {}, {{"id", std::to_string(g0.id)}}));
  CHECK(hidden.status == 404);
  CHECK(json::parse(hidden.body)["error"]["code"] == "not_found");
  CHECK(cdr_by_id_reply(pool, request(api::TenantScope::everything(), {}, {{"id", std::to_string(g0.id)}})).status == 200);
  CHECK(cdr_by_id_reply(pool, request(kAcmeOnly, {}, {{"id", "987654321"}})).status == 404);
  for (const std::string bad : {"0", "-1", "abc", "1e3", "99999999999999999999"}) {
    CAPTURE(bad);
    auto r = cdr_by_id_reply(pool, request(kAcmeOnly, {}, {{"id", bad}}));
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["details"]["field"] == "id");
  }
  CHECK(cdr_by_id_reply(pool, request(kAcmeOnly, {{"limit", "3"}}, {{"id", std::to_string(a2.id)}})).status == 400);
}

TEST_CASE("offset pages the search as the old service did and counts the total") {
  CdrTestDatabase db("c4test_cdr_offset");
  load(db);
  ConnectionPool pool(db.url());
  auto page = [&](std::multimap<std::string, std::string> q) {
    auto reply = cdr_search_reply(pool, request(kAcmeOnly, std::move(q)));
    REQUIRE(reply.status == 200);
    return json::parse(reply.body);
  };
  json first = page({{"offset", "0"}, {"limit", "2"}});
  CHECK(first["total"] == 5);
  REQUIRE(first["items"].size() == 2);
  CHECK(first["items"][0]["call_id"] == "a4");
  CHECK(first["items"][1]["call_id"] == "a3");
  json second = page({{"offset", "2"}, {"limit", "2"}});
  CHECK(second["total"] == 5);
  REQUIRE(second["items"].size() == 2);
  CHECK(second["items"][0]["call_id"] == "a2");
  json last = page({{"offset", "4"}, {"limit", "2"}});
  REQUIRE(last["items"].size() == 1);
  CHECK(last["items"][0]["call_id"] == "a0");
  CHECK(last["next"].is_null());
  CHECK(page({{"offset", "10"}})["items"].empty());
  // Without offset, the keyset page has no total (counting costs more than the page).
  CHECK_FALSE(page({{"limit", "2"}}).contains("total"));

  for (const std::string bad : {"-1", "x", "1000001"}) {
    auto r = cdr_search_reply(pool, request(kAcmeOnly, {{"offset", bad}}));
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["details"]["field"] == "offset");
  }
  // With a cursor too, offset skips rows after it: after a3, skip a2.
  std::string cursor = first["next"];
  json both = page({{"offset", "1"}, {"after", cursor}, {"limit", "5"}});
  REQUIRE(both["items"].size() == 2);
  CHECK(both["items"][0]["call_id"] == "a1");
  CHECK(both["total"] == 3);
}
