// Routing in process: the snapshot build at bench scale (time and peak RSS), then Google
// Benchmark figures for routing calls against a plain std::unordered_map lookup of the same
// number (the floor any router pays to find a number). The engine's own number step (the
// E.164 text parsed, then find_did_number over the snapshot's tables: exact, and a number
// inside a range) is measured alone too, to compare like for like with that floor.
//
//   build/bench/c4routing_bench [REPO]      REPO: default bench/.data/big (bench/gen_repo.py)
//
// Prints one JSON line of build figures, then the benchmark table.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <unordered_map>

#include <benchmark/benchmark.h>

#include "api/calls/routing_metrics.h"
#include "api/routing/capacity.h"
#include "api/routing/did_lookup.h"
#include "api/routing/engine.h"
#include "api/routing/kamailio.h"
#include "model/loader.h"
#include "model/validate.h"
#include "store/database.h"

namespace {

using namespace c4;
using namespace c4::routing;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
long peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}
long rss_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4 / 1024;
}

std::string address_in(const IpNetwork& n) {
  if (!n.v4) return n.to_string().substr(0, n.to_string().find('/'));
  return std::to_string(n.bytes[12]) + "." + std::to_string(n.bytes[13]) + "." + std::to_string(n.bytes[14]) + "." +
         std::to_string(n.bytes[15] + (n.prefix_len < 128 ? 1 : 0));
}

struct Fixture {
  SnapshotPtr snapshot;
  CallRequest inbound, outbound;
  std::string inbound_body;
  std::string range_number;  // a number inside a DID range ("" when the repository has none)
  std::unordered_map<std::string, uint32_t> numbers;  // the baseline
};
Fixture* fixture = nullptr;

RouteEnv bench_env() {
  RouteEnv env;
  env.now = std::chrono::system_clock::now();
  return env;
}

// A trunk call to one of its tenant's listed numbers, and an IPBX call that a rule routes.
bool pick_calls(Fixture& f) {
  const Catalog& c = f.snapshot->catalog();
  for (const auto& t : c.all<CarrierTrunk>()) {
    if (t.allowed_sources.empty()) continue;
    for (const auto& d : c.all<DID>()) {
      if (d.meta.tenant != t.meta.tenant || d.numbers.empty() || !d.carrier_trunk.empty()) continue;
      f.inbound.source_ip = address_in(t.allowed_sources.front());
      f.inbound.from_uri = "sip:+33140000000@carrier.example";
      f.inbound.to_uri = "sip:" + d.numbers[d.numbers.size() / 2].number.to_string() + "@c4.example";
      f.inbound.call_id = "bench";
      if (route(*f.snapshot, f.inbound, bench_env()).routes.empty()) continue;
      goto outbound;
    }
  }
  return false;
outbound:
  for (const auto& x : c.all<IPBX>()) {
    if (x.allowed_sources.empty()) continue;
    for (const auto& r : c.all<RoutingRule>()) {
      if (r.meta.tenant != x.meta.tenant || r.prefixes.empty()) continue;
      f.outbound.source_ip = address_in(x.allowed_sources.front());
      f.outbound.from_uri = "sip:+33140000000@pbx.example";
      f.outbound.to_uri = "sip:+" + (r.prefixes.front() + "123456789012345").substr(0, 11) + "@c4.example";
      f.outbound.call_id = "bench";
      if (!route(*f.snapshot, f.outbound, bench_env()).routes.empty()) return true;
    }
  }
  return false;
}

void BM_UnorderedMapLookup(benchmark::State& state) {
  std::string number = fixture->inbound.to_uri.substr(4, fixture->inbound.to_uri.find('@') - 4);
  for (auto _ : state) benchmark::DoNotOptimize(fixture->numbers.find(number));
}
BENCHMARK(BM_UnorderedMapLookup);

// The engine's number step for the same number: the E.164 text parsed, then the snapshot's
// tables probed in the engine's order (exact number, range, prefixes), as find_did() does.
void did_lookup(benchmark::State& state, const std::string& number) {
  const SnapshotData& d = fixture->snapshot->data();
  auto accept = [](const DidCandidate&) { return true; };
  if (!find_did_number(d, *parse_e164(number), accept)) state.SkipWithError("the number matches no DID");
  for (auto _ : state) {
    auto e164 = parse_e164(number);
    benchmark::DoNotOptimize(e164 ? find_did_number(d, *e164, accept) : std::nullopt);
  }
}

void BM_DidLookupExact(benchmark::State& state) {
  did_lookup(state, fixture->inbound.to_uri.substr(4, fixture->inbound.to_uri.find('@') - 4));
}
BENCHMARK(BM_DidLookupExact);

void BM_DidLookupRange(benchmark::State& state) {
  if (fixture->range_number.empty()) return state.SkipWithError("no DID range in the repository");
  did_lookup(state, fixture->range_number);
}
BENCHMARK(BM_DidLookupRange);

void BM_RouteInboundDid(benchmark::State& state) {
  RouteEnv env = bench_env();
  for (auto _ : state) benchmark::DoNotOptimize(route(*fixture->snapshot, fixture->inbound, env));
}
BENCHMARK(BM_RouteInboundDid)->ThreadRange(1, 2)->UseRealTime();

// The same call as the server routes it: counted on its IPBX (CapacityTracker, a lock and a
// few map operations), told to the metrics' observer, and counted by outcome and IPBX
// (RoutingMetrics: relaxed atomics). The clock moves 1 ms a call, so the one-second window
// holds 1,000 calls, under the IPBX's limit: every call routes. Against BM_RouteInboundDid,
// the hot path's cost of capacity and the routing-outcome metrics.
void BM_RouteInboundDidCounted(benchmark::State& state) {
  // Shared by the threads and the repetitions, as the server's are; so is the clock, which
  // only moves forward.
  static CapacityTracker capacity;
  static api::RoutingMetrics metrics;
  static auto tables = api::RoutingMetrics::tables_for(*fixture->snapshot, nullptr);
  static const auto start = std::chrono::system_clock::now();
  static std::atomic<int64_t> calls{0};
  RouteEnv env = bench_env();
  env.capacity = &capacity;
  env.observer = tables.get();
  for (auto _ : state) {
    env.now = start + std::chrono::milliseconds(calls.fetch_add(1, std::memory_order_relaxed));
    RouteDecision decision = route(*fixture->snapshot, fixture->inbound, env);
    if (decision.routes.empty()) state.SkipWithError("the counted call found no route (capacity?)");
    metrics.count(decision, *tables);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_RouteInboundDidCounted)->ThreadRange(1, 2)->UseRealTime();

void BM_RouteOutboundRule(benchmark::State& state) {
  RouteEnv env = bench_env();
  for (auto _ : state) benchmark::DoNotOptimize(route(*fixture->snapshot, fixture->outbound, env));
}
BENCHMARK(BM_RouteOutboundRule)->ThreadRange(1, 2)->UseRealTime();

// The whole handler: JSON body in, rtjson text out.
void BM_RoutingReplyJson(benchmark::State& state) {
  RouteEnv env = bench_env();
  for (auto _ : state) benchmark::DoNotOptimize(routing_reply(*fixture->snapshot, fixture->inbound_body, env));
}
BENCHMARK(BM_RoutingReplyJson);

}  // namespace

int main(int argc, char** argv) {
  std::string repo = C4_SOURCE_DIR "/bench/.data/big";
  if (argc > 1 && argv[1][0] != '-') {
    repo = argv[1];
    --argc;
    ++argv;
  }
  auto t0 = Clock::now();
  auto files = read_manifest_tree(repo);
  if (!files) {
    std::cerr << "c4routing_bench: " << files.status().message() << " (generate it with bench/gen_repo.py --out " << repo
              << ")\n";
    return 2;
  }
  auto schemas = SchemaSet::builtin();
  auto report = validate_sources(*files, **schemas);
  files->clear();
  files->shrink_to_fit();
  if (!report.ok()) {
    std::cerr << "c4routing_bench: " << repo << " does not validate\n";
    return 2;
  }
  double load_s = seconds_since(t0);
  long rss_before = rss_mib(), peak_before = peak_rss_mib();
  auto t1 = Clock::now();
  auto snapshot = compile_snapshot(std::move(report.catalog), {}, "bench");
  double compile_s = seconds_since(t1);
  if (!snapshot) {
    std::cerr << "c4routing_bench: " << snapshot.status().message() << "\n";
    return 2;
  }
  Fixture f;
  f.snapshot = *snapshot;
  auto counts = f.snapshot->counts();
  std::printf(
      "{\"bench\": \"routing_snapshot_build\", \"repo\": \"%s\", \"did_numbers\": %zu, \"did_ranges\": %zu, "
      "\"rule_prefixes\": %zu, \"rules\": %zu, \"load_validate_s\": %.3f, \"compile_s\": %.3f, "
      "\"rss_before_compile_mib\": %ld, \"rss_after_compile_mib\": %ld, \"peak_rss_mib\": %ld, "
      "\"peak_rss_before_compile_mib\": %ld, \"did_range_directory_kib\": %.1f, \"did_range_largest_slice\": %zu, "
      "\"did_range_mean_slice\": %.2f}\n",
      repo.c_str(), counts["did_numbers"], counts["did_ranges"], counts["rule_prefixes"], counts["rules"], load_s,
      compile_s, rss_before, rss_mib(), peak_rss_mib(), peak_before,
      static_cast<double>(f.snapshot->data().did_ranges.directory_bytes()) / 1024,
      f.snapshot->data().did_ranges.largest_slice(), f.snapshot->data().did_ranges.mean_slice());
  std::fflush(stdout);

  // With C4_BENCH_DATABASE_URL (a database where REPO was applied): load_snapshot's time too.
  if (const char* url = std::getenv("C4_BENCH_DATABASE_URL")) {
    auto conn = connect_database(url);
    if (!conn) {
      std::cerr << "c4routing_bench: " << conn.status().message() << "\n";
      return 2;
    }
    auto t2 = Clock::now();
    auto loaded = load_snapshot(**conn);
    double load_db_s = seconds_since(t2);
    if (!loaded) {
      std::cerr << "c4routing_bench: " << loaded.status().message() << "\n";
      return 2;
    }
    std::printf("{\"bench\": \"routing_load_snapshot\", \"did_numbers\": %zu, \"load_snapshot_s\": %.3f, "
                "\"peak_rss_mib\": %ld}\n",
                (*loaded)->counts()["did_numbers"], load_db_s, peak_rss_mib());
    std::fflush(stdout);
  }

  if (!pick_calls(f)) {
    std::cerr << "c4routing_bench: found no routable inbound and outbound call in " << repo << "\n";
    return 2;
  }
  for (const auto& d : f.snapshot->catalog().all<DID>())
    for (const auto& n : d.numbers) f.numbers.emplace(n.number.to_string(), 0);
  if (const auto& ranges = f.snapshot->data().did_ranges; !ranges.empty()) {
    const DidRangeEntry& r = ranges[ranges.size() / 2];
    f.range_number = "+" + std::to_string(r.from + (r.to - r.from) / 2);
  }
  f.inbound_body = nlohmann::json{{"source_ip", f.inbound.source_ip}, {"from_uri", f.inbound.from_uri},
                                  {"to_uri", f.inbound.to_uri}, {"call_id", "bench"}, {"auth", "1"}}
                       .dump();
  std::printf("inbound: %s from %s; outbound: %s from %s\n", f.inbound.to_uri.c_str(), f.inbound.source_ip.c_str(),
              f.outbound.to_uri.c_str(), f.outbound.source_ip.c_str());
  fixture = &f;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
