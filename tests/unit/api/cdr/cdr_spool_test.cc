// The local CDR spool (api/cdr/cdr_spool.h) and its replay by the writer: durable answers while
// PostgreSQL is down, exactly-once replay (also after a crash between COMMIT and the removal
// of the spool file), the bound, the directory lock and a torn last line.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "api/cdr/cdr_database.h"
#include "api/cdr/cdr_ingest.h"
#include "api/cdr/cdr_spool.h"
#include "api/cdr/cdr_writer.h"
#include "cdr_test_database.h"
#include "private_postgres.h"
#include "test_process.h"
#include "test_support.h"

using namespace c4;
using namespace c4::cdr;
using c4::cdr::testing::CdrTestDatabase;
using nlohmann::json;

namespace {

constexpr const char* kTenant = "0f2b8d9e-3a41-4c55-9d2e-7b1a6c3f4e10";

api::ApiRequest ingest(const std::string& call_id) {
  api::ApiRequest r;
  r.method = "POST";
  r.path = "/1.0/kamailio/cdr";
  r.body = json{{"tenant_uuid", kTenant}, {"call_id", call_id}, {"call_start", 1700000000}, {"duration", 3}}.dump();
  r.scope = api::TenantScope::everything();
  return r;
}

CdrRecord record(const std::string& call_id) {
  CdrRecord r;
  r.tenant_uuid = kTenant;
  r.call_id = call_id;
  r.call_start_us = int64_t{1700000000} * 1000000;
  r.duration = 3;
  r.ingest_key = new_ingest_key();
  return r;
}

std::shared_ptr<CdrSpool> open_spool(const std::filesystem::path& dir, uint64_t max_bytes = uint64_t{1} << 30) {
  CdrSpoolOptions options;
  options.dir = dir.string();
  options.max_bytes = max_bytes;
  auto spool = CdrSpool::open(options);
  REQUIRE_MESSAGE(spool, spool.status().message());
  return std::shared_ptr<CdrSpool>(std::move(spool.value()));
}

std::unique_ptr<CdrWriter> start_writer(const std::string& url, std::shared_ptr<CdrSpool> spool) {
  CdrWriterOptions options;
  options.database_url = url;
  options.spool = std::move(spool);
  return CdrWriter::start(options);
}

template <typename F>
bool eventually(F done) {
  return test::eventually(done, std::chrono::seconds(20));
}

// call_id → how many rows hold it.
std::map<std::string, long> rows_by_call_id(const std::string& url) {
  auto conn = std::move(connect_database(url).value());
  pqxx::read_transaction txn(*conn);
  std::map<std::string, long> out;
  for (const auto& row : txn.exec("SELECT call_id, count(*) FROM cdrs GROUP BY call_id"))
    out[row[0].as<std::string>()] = row[1].as<long>();
  return out;
}

}  // namespace

TEST_CASE("CDRs posted while PostgreSQL is down are answered from the spool and replayed exactly once") {
  test::PrivatePostgres postgres;
  CdrTestDatabase db("c4test_cdr_spool_down", postgres.url());
  db.add_tenant("acme", kTenant);
  std::string url = db.url();
  test::TempDir dir;
  auto spool = open_spool(dir.path());
  auto writer = start_writer(url, spool);
  for (int i = 0; i < 5; ++i) REQUIRE(cdr_ingest_reply(*writer, ingest("before-" + std::to_string(i))).status == 200);

  db.abandon();
  postgres.stop();
  for (int i = 0; i < 20; ++i) {
    auto reply = cdr_ingest_reply(*writer, ingest("during-" + std::to_string(i)));
    REQUIRE(reply.status == 200);
    json answer = json::parse(reply.body);
    CHECK(answer["success"] == true);
    CHECK(answer["cdr"]["id"].is_null());
    CHECK(answer["cdr"]["call_id"] == "during-" + std::to_string(i));
  }
  CHECK(spool->records() == 20);
  std::string metrics = writer->metrics_text();
  CHECK(metrics.find("c4confd_cdr_spool_records 20\n") != std::string::npos);
  CHECK(metrics.find("c4confd_cdr_spool_bytes " + std::to_string(spool->bytes()) + "\n") != std::string::npos);
  CHECK(spool->bytes() > 20 * 50);

  postgres.start();
  REQUIRE(eventually([&] { return spool->records() == 0; }));
  CHECK(spool->bytes() == 0);
  auto rows = rows_by_call_id(url);
  CHECK(rows.size() == 25);
  for (const auto& row : rows) {  // not a structured binding: CAPTURE's lambda cannot take one (clang 14)
    const std::string& call_id = row.first;
    CAPTURE(call_id);
    CHECK(row.second == 1);
  }
  CHECK(writer->stats().rows_replayed == 20);
  CHECK(writer->metrics_text().find("c4confd_cdr_spool_records 0\n") != std::string::npos);
  writer->stop();
}

TEST_CASE("a spool replayed again after a crash between COMMIT and its removal stores nothing twice") {
  CdrTestDatabase db("c4test_cdr_spool_crash");
  db.add_tenant("acme", kTenant);
  test::TempDir dir;
  std::vector<CdrRecord> records;
  for (int i = 0; i < 10; ++i) records.push_back(record("crash-" + std::to_string(i)));
  {
    auto spool = open_spool(dir.path());
    std::vector<const CdrRecord*> all;
    for (const auto& r : records) all.push_back(&r);
    REQUIRE(spool->append(all).is_ok());
  }  // the process "crashes": the spool file stays
  // The replay before the crash committed the first four, then died before removing the file.
  PartitionCache partitions;
  auto inserted = insert_cdrs_once(db.conn(), std::vector<CdrRecord>(records.begin(), records.begin() + 4), partitions);
  REQUIRE(inserted);
  CHECK(*inserted == 4);

  auto spool = open_spool(dir.path());
  CHECK(spool->records() == 10);
  auto writer = start_writer(db.url(), spool);
  REQUIRE(eventually([&] { return spool->records() == 0; }));
  CHECK(writer->stats().rows_replayed == 6);
  auto rows = rows_by_call_id(db.url());
  CHECK(rows.size() == 10);
  for (const auto& [call_id, n] : rows) CHECK(n == 1);
  CHECK(db.count("ingest_key IS NOT NULL") == 10);
  // Only the lock is left in the directory.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.path().filename() != "lock";
  CHECK(files == 0);
}

TEST_CASE("a full spool answers 503 and success only for what it holds") {
  test::TempDir dir;
  auto spool = open_spool(dir.path(), 4096);
  std::string url = "postgresql://c4confd@127.0.0.1:" + std::to_string(test::free_loopback_port()) + "/c4confd";
  auto writer = start_writer(url, spool);
  int stored = 0, refused = 0;
  for (int i = 0; i < 100; ++i) {
    auto result = writer->write(record("full-" + std::to_string(i)));
    if (result) {
      CHECK(result->spooled);
      ++stored;
    } else {
      CHECK(result.status().code() == Status::Code::unavailable);
      CHECK(result.status().message().find("spool is full") != std::string::npos);
      ++refused;
    }
  }
  CHECK(stored > 5);
  CHECK(refused > 50);
  CHECK(spool->records() == static_cast<uint64_t>(stored));
  CHECK(spool->bytes() <= 4096);
  CHECK(writer->stats().rejected_spool_full == static_cast<uint64_t>(refused));
  CHECK(writer->metrics_text().find("c4confd_cdr_rejected_total{reason=\"spool_full\"} " + std::to_string(refused) + "\n") !=
        std::string::npos);
  writer->stop();
  // What was answered stored is on disk for the next process.
  spool.reset();
  writer.reset();
  CHECK(open_spool(dir.path())->records() == static_cast<uint64_t>(stored));
}

TEST_CASE("a spool directory serves one process at a time") {
  test::TempDir dir;
  auto first = open_spool(dir.path());
  CdrSpoolOptions options;
  options.dir = dir.path().string();
  auto second = CdrSpool::open(options);
  REQUIRE_FALSE(second);
  CHECK(second.status().message().find("in use by another process") != std::string::npos);
  first.reset();
  CHECK(CdrSpool::open(options));
}

TEST_CASE("a spool line cut short by a crash is ignored and the records before it are kept") {
  test::TempDir dir;
  CdrRecord a = record("torn-a"), b = record("torn-b");
  b.call_id = "torn-b \xe2\x98\x8e;\r\n\"quoted\"";
  b.call_start_us.reset();
  b.duration.reset();
  {
    std::ofstream out(dir.path() / "cdrs-0000000000000001.jsonl", std::ios::binary);
    std::string torn = spool_line(record("torn-c"));
    out << spool_line(a) << spool_line(b) << torn.substr(0, torn.size() / 2);
  }
  auto spool = open_spool(dir.path());
  CHECK(spool->records() == 2);
  auto file = spool->oldest();
  REQUIRE(file);
  REQUIRE(*file);
  REQUIRE((*file)->records.size() == 2);
  CHECK((*file)->records[0].call_id == "torn-a");
  CHECK((*file)->records[1].call_id == b.call_id);
  CHECK_FALSE((*file)->records[1].call_start_us);
  CHECK((*file)->records[1].ingest_key == b.ingest_key);
  // New records go to a new file, after the old one.
  REQUIRE(spool->append({&a}).is_ok());
  CHECK(std::filesystem::exists(dir.path() / "cdrs-0000000000000002.jsonl"));
}
