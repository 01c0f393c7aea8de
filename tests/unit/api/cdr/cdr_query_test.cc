// CDR search, statistics and CSV export against a real PostgreSQL: each filter, tenant
// isolation, keyset pagination, exact statistics, RFC 4180 quoting.
#include <doctest/doctest.h>

#include <set>

#include "api/cdr/cdr_csv.h"
#include "api/cdr/cdr_database.h"
#include "api/cdr/cdr_search.h"
#include "api/cdr/cdr_stats.h"
#include "api/cdr/cdr_time.h"
#include "cdr_test_database.h"

using namespace c4;
using namespace c4::cdr;
using c4::cdr::testing::CdrTestDatabase;
using nlohmann::json;

namespace {

constexpr const char* kAcme = "0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10";
constexpr const char* kGlobex = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

int64_t at(const std::string& iso) {
  std::string why;
  auto t = parse_time_text(iso, why);
  REQUIRE_MESSAGE(t, iso << ": " << why);
  return *t;
}

CdrRecord make_cdr(const char* tenant, const std::string& call_id, const std::string& start, std::optional<int64_t> trunk,
              std::optional<int64_t> ipbx, const std::string& from, const std::string& to, int duration) {
  CdrRecord r;
  r.tenant_uuid = tenant;
  r.call_id = call_id;
  r.call_start_us = at(start);
  r.carrier_trunk_id = trunk;
  r.ipbx_id = ipbx;
  r.from_uri = from;
  r.to_uri = to;
  r.duration = duration;
  r.source_ip = "192.0.2.1";
  r.source_port = 5060;
  return r;
}

void insert(CdrTestDatabase& db, const std::vector<CdrRecord>& records) {
  PartitionCache partitions;
  auto stored = insert_cdr_batch(db.conn(), records, partitions);
  REQUIRE_MESSAGE(stored.is_ok(), stored.status().message());
}

// Two tenants; acme's CDRs a1..a7 (see the statistics test for what they add up to).
void load_data_set(CdrTestDatabase& db) {
  db.add_tenant("acme", kAcme);
  db.add_tenant("globex", kGlobex);
  insert(db, {
                 make_cdr(kAcme, "a1", "2026-11-26T10:00:00Z", 1, std::nullopt, "sip:+33140000001@a", "sip:+33612345678@b", 0),
                 make_cdr(kAcme, "a2", "2026-11-26T10:05:00Z", 1, std::nullopt, "sip:+33140000002@a", "sip:+33698765432@b", 60),
                 make_cdr(kAcme, "a3", "2026-11-26T10:10:00Z", 1, 3, "sip:+44200000000@a", "sip:100@pbx", 120),
                 make_cdr(kAcme, "a4", "2026-11-26T11:30:00Z", 2, 3, "sip:1_2@a", "sip:101@pbx", 30),
                 make_cdr(kAcme, "a5", "2026-11-26T11:45:00Z", 2, std::nullopt, "tel:+33140000003;phone-context=x",
                     "sip:102@pbx", 0),
                 make_cdr(kAcme, "a6", "2026-11-27T09:00:00Z", std::nullopt, 4, "sip:123@a", "sip:+33140000000@b", 0),
                 make_cdr(kAcme, "a7", "2026-01-15T08:00:00Z", 1, std::nullopt, "sip:+33140000004@a", "sip:103@pbx", 45),
                 make_cdr(kGlobex, "g1", "2026-11-26T10:02:00Z", 1, std::nullopt, "sip:+33140000009@g", "sip:200@g", 10),
                 make_cdr(kGlobex, "g2", "2026-11-26T10:03:00Z", 1, std::nullopt, "sip:+33140000009@g", "sip:201@g", 0),
             });
}

api::ApiRequest request(const api::TenantScope& scope, std::multimap<std::string, std::string> params) {
  api::ApiRequest r;
  r.method = "GET";
  r.path = "/1.0/cdrs";
  r.query = std::move(params);
  r.scope = scope;
  return r;
}

const api::TenantScope kAdmin = api::TenantScope::everything();
const api::TenantScope kAcmeOnly{false, {kAcme}};

// The call ids of a search, in answer order.
std::vector<std::string> search_ids(ConnectionPool& pool, const api::TenantScope& scope,
                                    std::multimap<std::string, std::string> params) {
  auto reply = cdr_search_reply(pool, request(scope, std::move(params)));
  REQUIRE_MESSAGE(reply.status == 200, reply.body);
  std::vector<std::string> ids;
  json page = json::parse(reply.body);
  for (const auto& item : page["items"]) ids.push_back(item["call_id"]);
  return ids;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("each search filter selects exactly its CDRs newest first") {
  CdrTestDatabase db("c4test_cdr_search_filters");
  load_data_set(db);
  ConnectionPool pool(db.url(), open_cdr_reader);
  CHECK(search_ids(pool, kAdmin, {{"tenant", "acme"}}) == Ids{"a6", "a5", "a4", "a3", "a2", "a1", "a7"});
  CHECK(search_ids(pool, kAdmin, {{"tenant", kAcme}, {"from", "2026-11-26T10:05:00Z"}, {"to", "2026-11-26T11:30:00Z"}}) ==
        Ids{"a3", "a2"});
  CHECK(search_ids(pool, kAdmin, {{"tenant", "acme"}, {"from", "1795651200"}}) ==
        Ids{"a6", "a5", "a4", "a3", "a2", "a1"});
  CHECK(search_ids(pool, kAdmin, {{"call_id", "a3"}}) == Ids{"a3"});
  CHECK(search_ids(pool, kAdmin, {{"tenant", "acme"}, {"carrier_trunk_id", "2"}}) == Ids{"a5", "a4"});
  CHECK(search_ids(pool, kAdmin, {{"ipbx_id", "3"}}) == Ids{"a4", "a3"});
  CHECK(search_ids(pool, kAdmin, {{"tenant", "acme"}, {"caller_prefix", "+3314"}}) == Ids{"a5", "a2", "a1", "a7"});
  CHECK(search_ids(pool, kAdmin, {{"caller_prefix", "1_"}}) == Ids{"a4"});
  CHECK(search_ids(pool, kAdmin, {{"tenant", "acme"}, {"callee_prefix", "10"}}) == Ids{"a5", "a4", "a3", "a7"});
  CHECK(search_ids(pool, kAdmin, {{"callee_prefix", "+336"}, {"caller_prefix", "+33140000002"}}) == Ids{"a2"});
  CHECK(search_ids(pool, kAdmin, {{"tenant", "acme"}, {"limit", "2"}}) == Ids{"a6", "a5"});
  CHECK(search_ids(pool, kAdmin, {}).size() == 9);
}

TEST_CASE("a search answers each CDR in the ingest shape") {
  CdrTestDatabase db("c4test_cdr_search_shape");
  load_data_set(db);
  ConnectionPool pool(db.url(), open_cdr_reader);
  auto reply = cdr_search_reply(pool, request(kAdmin, {{"call_id", "a3"}}));
  REQUIRE(reply.status == 200);
  json page = json::parse(reply.body);
  CHECK(page["next"].is_null());
  json item = page["items"][0];
  item.erase("id");
  CHECK(item == json{{"tenant_uuid", kAcme},
                     {"carrier_trunk_id", 1},
                     {"ipbx_id", 3},
                     {"source_ip", "192.0.2.1"},
                     {"source_port", 5060},
                     {"call_id", "a3"},
                     {"from_uri", "sip:+44200000000@a"},
                     {"to_uri", "sip:100@pbx"},
                     {"call_start", "2026-11-26T10:10:00+00:00"},
                     {"duration", 120}});
  pqxx::read_transaction txn(db.conn());
  CHECK_FALSE(txn.exec1("SELECT to_regclass('cdrs_2026_01') IS NULL")[0].as<bool>());
}

TEST_CASE("a token of one tenant never sees another tenant's CDRs") {
  CdrTestDatabase db("c4test_cdr_isolation");
  load_data_set(db);
  ConnectionPool pool(db.url(), open_cdr_reader);
  Ids acme = search_ids(pool, kAcmeOnly, {});
  CHECK(acme.size() == 7);
  for (const auto& id : acme) CHECK(id[0] == 'a');
  CHECK(search_ids(pool, kAcmeOnly, {{"tenant", "acme"}}).size() == 7);
  CHECK(search_ids(pool, kAcmeOnly, {{"call_id", "g1"}}).empty());
  CHECK(search_ids(pool, kAdmin, {{"tenant", "globex"}}) == Ids{"g2", "g1"});
  CHECK(search_ids(pool, api::TenantScope{false, {}}, {}).empty());
  for (const std::string& foreign : {std::string("globex"), std::string(kGlobex), std::string("no-such-tenant")}) {
    CAPTURE(foreign);
    for (auto handler : {cdr_search_reply, cdr_stats_reply, cdr_csv_reply}) {
      auto reply = handler(pool, request(kAcmeOnly, {{"tenant", foreign}}));
      CHECK(reply.status == 404);
      json error = json::parse(reply.body)["error"];
      CHECK(error["code"] == "not_found");
      CHECK(error["details"]["field"] == "tenant");
    }
  }
  auto stats = json::parse(cdr_stats_reply(pool, request(kAcmeOnly, {})).body);
  CHECK(stats["items"][0]["calls"] == 7);
  std::string csv = cdr_csv_reply(pool, request(kAcmeOnly, {})).body;
  CHECK(csv.find(kGlobex) == std::string::npos);
  CHECK(csv.find(kAcme) != std::string::npos);
}

TEST_CASE("keyset pagination walks every CDR once in order") {
  CdrTestDatabase db("c4test_cdr_pages");
  db.add_tenant("acme", kAcme);
  std::vector<CdrRecord> records;
  // 250 CDRs, five per second: pages must break ties on id without losing or repeating one.
  for (int i = 0; i < 250; ++i)
    records.push_back(make_cdr(kAcme, "p" + std::to_string(i), format_iso8601(at("2026-11-20T00:00:00Z") + (i / 5) * 1000000),
                          1, std::nullopt, "sip:1@a", "sip:2@b", i % 3));
  insert(db, records);
  ConnectionPool pool(db.url(), open_cdr_reader);
  std::vector<int64_t> walked;
  std::optional<std::string> after;
  int pages = 0;
  for (; pages < 100; ++pages) {
    std::multimap<std::string, std::string> params{{"limit", "7"}};
    if (after) params.emplace("after", *after);
    auto reply = cdr_search_reply(pool, request(kAcmeOnly, params));
    REQUIRE(reply.status == 200);
    json page = json::parse(reply.body);
    for (const auto& item : page["items"]) walked.push_back(item["id"]);
    if (page["next"].is_null()) break;
    after = page["next"].get<std::string>();
  }
  CHECK(pages == 35);  // 250 = 35 full pages of 7 + 5
  std::vector<int64_t> expected;
  pqxx::read_transaction txn(db.conn());
  for (const auto& row : txn.exec("SELECT id FROM cdrs ORDER BY call_start DESC, id DESC")) expected.push_back(row[0].as<int64_t>());
  CHECK(walked == expected);
  CHECK(std::set<int64_t>(walked.begin(), walked.end()).size() == 250);
}

TEST_CASE("statistics give exact calls answered ASR ACD and minutes per group") {
  CdrTestDatabase db("c4test_cdr_stats");
  load_data_set(db);
  ConnectionPool pool(db.url(), open_cdr_reader);
  auto stats = [&](std::multimap<std::string, std::string> params) {
    auto reply = cdr_stats_reply(pool, request(kAdmin, std::move(params)));
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    return json::parse(reply.body);
  };
  std::multimap<std::string, std::string> november{{"tenant", "acme"}, {"from", "2026-11-01"}, {"to", "2026-12-01"}};

  auto by_trunk = november;
  by_trunk.emplace("group_by", "trunk");
  json trunks = stats(by_trunk);
  CHECK(trunks["group_by"] == "trunk");
  REQUIRE(trunks["items"].size() == 3);
  CHECK(trunks["items"][0] == json{{"carrier_trunk_id", 1}, {"calls", 3}, {"answered", 2}, {"asr", 2.0 / 3.0},
                                   {"acd", 90.0}, {"minutes", 3.0}});
  CHECK(trunks["items"][1] == json{{"carrier_trunk_id", 2}, {"calls", 2}, {"answered", 1}, {"asr", 0.5},
                                   {"acd", 30.0}, {"minutes", 0.5}});
  CHECK(trunks["items"][2] == json{{"carrier_trunk_id", nullptr}, {"calls", 1}, {"answered", 0}, {"asr", 0.0},
                                   {"acd", nullptr}, {"minutes", 0.0}});

  auto by_ipbx = november;
  by_ipbx.emplace("group_by", "ipbx");
  json ipbxs = stats(by_ipbx);
  REQUIRE(ipbxs["items"].size() == 3);
  CHECK(ipbxs["items"][0]["ipbx_id"] == 3);
  CHECK(ipbxs["items"][0]["calls"] == 2);
  CHECK(ipbxs["items"][0]["acd"] == 75.0);

  auto by_day = november;
  by_day.emplace("group_by", "day");
  json days = stats(by_day);
  REQUIRE(days["items"].size() == 2);
  CHECK(days["items"][0] == json{{"period", "2026-11-26T00:00:00+00:00"}, {"calls", 5}, {"answered", 3},
                                 {"asr", 0.6}, {"acd", 70.0}, {"minutes", 3.5}});
  CHECK(days["items"][1]["period"] == "2026-11-27T00:00:00+00:00");

  auto by_hour = november;
  by_hour.emplace("group_by", "hour");
  json hours = stats(by_hour);
  REQUIRE(hours["items"].size() == 3);
  CHECK(hours["items"][0]["period"] == "2026-11-26T10:00:00+00:00");
  CHECK(hours["items"][0]["calls"] == 3);
  CHECK(hours["items"][1]["period"] == "2026-11-26T11:00:00+00:00");
  CHECK(hours["items"][1]["calls"] == 2);

  json all = stats({{"tenant", "acme"}});
  CHECK(all["group_by"] == "none");
  CHECK(all["items"] == json::array({json{{"calls", 7}, {"answered", 4}, {"asr", 4.0 / 7.0}, {"acd", 63.75},
                                          {"minutes", 4.25}}}));
  json none = stats({{"tenant", "acme"}, {"from", "2030-01-01"}});
  CHECK(none["items"][0] == json{{"calls", 0}, {"answered", 0}, {"asr", nullptr}, {"acd", nullptr}, {"minutes", 0.0}});
}

TEST_CASE("the CSV export quotes fields as RFC 4180 with a header line") {
  CdrTestDatabase db("c4test_cdr_csv");
  db.add_tenant("acme", kAcme);
  insert(db, {make_cdr(kAcme, "plain", "2026-11-26T10:00:00Z", 1, std::nullopt, "sip:100@a", "sip:200@b", 5),
              make_cdr(kAcme, "with,comma \"and quotes\"", "2026-11-26T10:00:01.5Z", std::nullopt, 7,
                  "sip:100@a;tag=\"x\"", "sip:200@b\r\nX-Evil: 1", 0)});
  ConnectionPool pool(db.url(), open_cdr_reader);
  auto reply = cdr_csv_reply(pool, request(kAdmin, {{"tenant", "acme"}}));
  REQUIRE(reply.status == 200);
  CHECK(reply.content_type == "text/csv; charset=utf-8");
  pqxx::read_transaction txn(db.conn());
  auto ids = txn.exec("SELECT id FROM cdrs ORDER BY call_start");
  std::string first = ids[0][0].c_str(), second = ids[1][0].c_str();
  CHECK(reply.body ==
        "id,tenant_uuid,carrier_trunk_id,ipbx_id,source_ip,source_port,call_id,from_uri,to_uri,call_start,duration\r\n" +
            second + "," + kAcme +
            ",,7,192.0.2.1,5060,\"with,comma \"\"and quotes\"\"\",\"sip:100@a;tag=\"\"x\"\"\",\"sip:200@b\r\nX-Evil: "
            "1\",2026-11-26T10:00:01.500000+00:00,0\r\n" +
            first + "," + kAcme + ",1,,192.0.2.1,5060,plain,sip:100@a,sip:200@b,2026-11-26T10:00:00+00:00,5\r\n");
  CHECK(csv_field("a\"b") == "\"a\"\"b\"");
  CHECK(csv_field("plain text") == "plain text");
  CHECK(csv_field("") == "");
}

TEST_CASE("the CSV export streams in chunks and stops when the client goes away") {
  CdrTestDatabase db("c4test_cdr_csv_stream");
  db.add_tenant("acme", kAcme);
  std::vector<CdrRecord> records;
  for (int i = 0; i < 2500; ++i)
    records.push_back(make_cdr(kAcme, "s" + std::to_string(i), "2026-11-26T10:00:00Z", 1, std::nullopt, "sip:1@a", "sip:2@b", 1));
  insert(db, records);
  ConnectionPool pool(db.url(), open_cdr_reader);
  auto prepared = prepare_cdr_csv(pool, request(kAdmin, {}));
  REQUIRE(std::holds_alternative<CdrCsvExport>(prepared));
  std::vector<size_t> chunk_lines;
  Status all = std::get<CdrCsvExport>(prepared).write([&](std::string_view chunk) {
    chunk_lines.push_back(static_cast<size_t>(std::count(chunk.begin(), chunk.end(), '\n')));
    return true;
  });
  CHECK(all.is_ok());
  CHECK(chunk_lines == std::vector<size_t>{1, 1000, 1000, 500});
  int calls = 0;
  Status stopped = std::get<CdrCsvExport>(prepared).write([&](std::string_view) { return ++calls < 2; });
  CHECK(stopped.is_ok());
  CHECK(calls == 2);
}

TEST_CASE("read endpoints answer 503 when the database cannot be reached") {
  ConnectionPool pool("postgresql://c4confd@127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/c4confd",
                      open_cdr_reader);
  for (auto handler : {cdr_search_reply, cdr_stats_reply, cdr_csv_reply}) {
    auto reply = handler(pool, request(kAdmin, {}));
    CHECK(reply.status == 503);
    CHECK(json::parse(reply.body)["error"]["code"] == "unavailable");
    CHECK(json::parse(reply.body)["error"]["details"]["retryable"] == true);
  }
}

TEST_CASE("bad search parameters are answered 400 naming the parameter") {
  CdrTestDatabase db("c4test_cdr_bad_params");
  db.add_tenant("acme", kAcme);
  ConnectionPool pool(db.url(), open_cdr_reader);
  auto reply = cdr_search_reply(pool, request(kAdmin, {{"from", "tomorrow"}}));
  CHECK(reply.status == 400);
  json error = json::parse(reply.body)["error"];
  CHECK(error["code"] == "invalid_input");
  CHECK(error["details"]["field"] == "from");
  CHECK(error["details"]["in"] == "query");
  CHECK(cdr_stats_reply(pool, request(kAdmin, {{"group_by", "month"}})).status == 400);
  CHECK(cdr_csv_reply(pool, request(kAdmin, {{"after", "zz"}})).status == 400);
}
