// Prometheus metrics of the HTTP server, in the text exposition format (GET /metrics).
//
//   c4confd_http_requests_total{route,method,status}   counter
//   c4confd_http_request_duration_seconds{route,method} histogram
//   c4confd_build_info{version}                         gauge, always 1
// plus whatever the registered text sources append (the revision watcher's snapshot gauges,
// and, mounted by the lead, CDR queue depth and reconcile metrics).
//
// Counting is lock-free: each route owns a slot of relaxed atomics created at mount time, so
// the routing hot path never takes a mutex to count a request.
//
// Thread-safety: add_route() and add_text_source() are for start-up (before the server
// serves); record() and render() may be called from any thread at any time.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

namespace c4::api {

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (+Inf is implicit).
  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,    0.1,    0.25,  0.5,    1.0,  5.0};
  using SlotId = size_t;

  explicit Metrics(std::string version);

  // A counting slot for one mounted route (route = the pattern, "/1.0/carriers/{id}").
  SlotId add_route(std::string_view route, std::string_view method);
  // The slot for requests no route matched (404, 405, 413 before routing), by method.
  SlotId unmatched(std::string_view method) const;

  void record(SlotId slot, int status, std::chrono::nanoseconds elapsed);

  // Appends the text `source` returns (complete "# HELP/# TYPE" blocks) to every render().
  void add_text_source(std::function<std::string()> source);

  std::string render() const;

  // The count recorded for a route, method and status (for tests); 0 when unknown.
  uint64_t request_count(std::string_view route, std::string_view method, int status) const;

 private:
  struct Slot {
    std::string route, method;
    std::array<std::atomic<uint64_t>, 600> by_status{};        // index: HTTP status
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> sum_ns{0};
    std::atomic<uint64_t> count{0};
  };
  std::string version_;
  std::deque<Slot> slots_;  // deque: slots never move once created
  std::vector<std::function<std::string()>> sources_;
};

// A Prometheus label value with \, " and newline escaped, as the text format requires; a byte
// that is not UTF-8 is first written as the text "\xHH" (common/escape.h valid_utf8). Other
// characters (CR, TAB, any UTF-8) stay as they are: the format allows them.
std::string prometheus_label(std::string_view value);

}  // namespace c4::api
