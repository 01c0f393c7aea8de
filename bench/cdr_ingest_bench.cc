// CDR ingest benchmark: CDRs/s through CdrWriter (many request threads, group commit: each
// request waits for its commit) against one plain COPY of the same rows in one transaction
// (the floor of what PostgreSQL can take), and against one commit per CDR (no group commit).
// Prints the figures, the ratio writer / COPY and a JSON line.
//
// usage: cdr_ingest_bench [--rows N] [--threads T] [--max-batch B]
// Needs C4CONFD_DATABASE_URL (a superuser: it creates and drops database c4bench_cdr).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <pqxx/pqxx>

#include "api/cdr/cdr_database.h"
#include "api/cdr/cdr_time.h"
#include "api/cdr/cdr_writer.h"
#include "store/database.h"
#include "store/migrations.h"

using namespace c4;
using namespace c4::cdr;

namespace {

constexpr const char* kTenant = "5b0c7a52-8f0e-4e3c-9a31-3c1f0f8d2a10";

std::vector<CdrRecord> make_records(size_t n) {
  std::vector<CdrRecord> out;
  out.reserve(n);
  int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  for (size_t i = 0; i < n; ++i) {
    CdrRecord r;
    r.tenant_uuid = kTenant;
    r.carrier_trunk_id = static_cast<int64_t>(i % 5 + 1);
    if (i % 3 == 0) r.ipbx_id = static_cast<int64_t>(i % 4 + 1);
    r.source_ip = "192.0.2." + std::to_string(i % 250 + 1);
    r.source_port = 5060;
    r.call_id = "bench-" + std::to_string(i) + "@192.0.2.1";
    r.from_uri = "sip:+3314000" + std::to_string(1000 + i % 9000) + "@example.com";
    r.to_uri = "sip:+3314999" + std::to_string(1000 + i % 9000) + "@pbx.example.com";
    r.call_start_us = now_us - static_cast<int64_t>(i) * 1000000;  // one per second, back in time
    r.duration = static_cast<int32_t>(i % 7 == 0 ? 0 : i % 600);
    out.push_back(std::move(r));
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

long count_rows(pqxx::connection& conn) {
  pqxx::read_transaction txn(conn);
  return txn.exec1("SELECT count(*) FROM cdrs")[0].as<long>();
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = 20000, threads = 64, max_batch = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    size_t value = std::stoul(argv[i + 1]);
    if (flag == "--rows") rows = value;
    else if (flag == "--threads") threads = value;
    else if (flag == "--max-batch") max_batch = value;
    else { std::fprintf(stderr, "unknown flag %s\n", flag.c_str()); return 2; }
  }
  const char* base = std::getenv("C4CONFD_DATABASE_URL");
  if (!base) { std::fprintf(stderr, "C4CONFD_DATABASE_URL is not set (eval \"$(./c4 services env)\")\n"); return 2; }
  std::string base_url = base, db = "c4bench_cdr";
  std::string url = base_url.substr(0, base_url.rfind('/') + 1) + db;

  try {
    auto admin = std::move(connect_database(base_url).value());
    pqxx::nontransaction(*admin).exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    pqxx::nontransaction(*admin).exec("CREATE DATABASE " + db);
    auto conn = std::move(connect_database(url).value());
    if (auto m = migrate(*conn); !m) { std::fprintf(stderr, "%s\n", m.status().message().c_str()); return 1; }
    {
      pqxx::work txn(*conn);
      txn.exec_params("INSERT INTO tenants (name, uuid, spec_hash) VALUES ('bench', $1, 'x')", kTenant);
      txn.commit();
    }
    auto records = make_records(rows);

    // 1. The writer, fed by `threads` request threads.
    CdrWriterOptions options;
    options.database_url = url;
    options.max_batch = max_batch;
    options.max_queue = rows + threads;
    auto writer = CdrWriter::start(options);
    {  // a first batch creates the month partitions, outside the measurement
      CdrRecord warm = records.front();
      warm.call_id = "warm-up";
      if (!writer->write(warm)) return 1;
      CdrRecord warm_old = records.back();
      warm_old.call_id = "warm-up-2";
      if (!writer->write(warm_old)) return 1;
    }
    auto before = writer->stats();
    std::atomic<size_t> failures{0};
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (size_t i = t; i < rows; i += threads)
          if (!writer->write(records[i])) ++failures;
      });
    for (auto& th : pool) th.join();
    double writer_s = seconds_since(t0);
    auto after = writer->stats();
    writer->stop();
    uint64_t batches = after.batches_committed - before.batches_committed;
    if (failures || count_rows(*conn) != static_cast<long>(rows + 2)) {
      std::fprintf(stderr, "writer lost rows: %zu failures\n", failures.load());
      return 1;
    }

    // 2. Without group commit: each request thread its own connection, one transaction per CDR
    //    (what a handler writing its own row would do), on a tenth of the rows.
    pqxx::nontransaction(*conn).exec("TRUNCATE cdrs");
    size_t single_rows = std::max<size_t>(rows / 10, threads);
    auto t2 = std::chrono::steady_clock::now();
    pool.clear();
    for (size_t t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        auto own = open_cdr_connection(url, "c4bench-single");
        if (!own) { ++failures; return; }
        PartitionCache partitions;
        for (size_t i = t; i < single_rows; i += threads)
          if (!insert_cdr_batch(**own, {records[i]}, partitions)) ++failures;
      });
    for (auto& th : pool) th.join();
    double single_s = seconds_since(t2);
    if (failures || count_rows(*conn) != static_cast<long>(single_rows)) {
      std::fprintf(stderr, "per-request commits lost rows\n");
      return 1;
    }

    // 3. The same rows in one plain COPY, one transaction.
    pqxx::nontransaction(*conn).exec("TRUNCATE cdrs");
    auto t1 = std::chrono::steady_clock::now();
    {
      pqxx::work txn(*conn);
      pqxx::stream_to copy(txn, "cdrs",
                           std::vector<std::string>{"tenant_uuid", "carrier_trunk_id", "ipbx_id", "source_ip",
                                                    "source_port", "call_id", "from_uri", "to_uri", "call_start",
                                                    "duration"});
      for (const auto& r : records) {
        std::string trunk = std::to_string(*r.carrier_trunk_id), ipbx = r.ipbx_id ? std::to_string(*r.ipbx_id) : "";
        std::string port = std::to_string(*r.source_port), start = format_iso8601(*r.call_start_us),
                    duration = std::to_string(*r.duration);
        copy << std::make_tuple(r.tenant_uuid.c_str(), trunk.c_str(), r.ipbx_id ? ipbx.c_str() : nullptr,
                                r.source_ip->c_str(), port.c_str(), r.call_id.c_str(), r.from_uri->c_str(),
                                r.to_uri->c_str(), start.c_str(), duration.c_str());
      }
      copy.complete();
      txn.commit();
    }
    double copy_s = seconds_since(t1);
    if (count_rows(*conn) != static_cast<long>(rows)) { std::fprintf(stderr, "COPY lost rows\n"); return 1; }

    double writer_rate = rows / writer_s, copy_rate = rows / copy_s, single_rate = single_rows / single_s;
    std::printf("rows %zu, request threads %zu, max batch %zu\n", rows, threads, max_batch);
    std::printf("writer (group commit, each request waits for its commit): %.0f CDRs/s  (%.3f s, %lu commits, %.1f CDRs per commit)\n",
                writer_rate, writer_s, static_cast<unsigned long>(batches), batches ? double(rows) / batches : 0.0);
    std::string single_label = "one commit per CDR, " + std::to_string(threads) + " connections:";
    std::printf("%-58s %.0f CDRs/s  (%zu rows, %.3f s)\n", single_label.c_str(), single_rate, single_rows, single_s);
    std::printf("plain COPY, one transaction:                              %.0f CDRs/s  (%.3f s)\n", copy_rate, copy_s);
    std::printf("ratio writer / COPY: %.2f\n", writer_rate / copy_rate);
    std::printf("{\"bench\":\"cdr_ingest\",\"rows\":%zu,\"threads\":%zu,\"max_batch\":%zu,\"writer_cdrs_per_s\":%.0f,"
                "\"writer_commits\":%lu,\"single_commit_cdrs_per_s\":%.0f,\"copy_cdrs_per_s\":%.0f,\"ratio\":%.3f}\n",
                rows, threads, max_batch, writer_rate, static_cast<unsigned long>(batches), single_rate, copy_rate,
                writer_rate / copy_rate);
    conn.reset();
    pqxx::nontransaction(*admin).exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cdr_ingest_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
