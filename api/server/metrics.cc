#include "api/server/metrics.h"

#include <cstdio>

#include "common/escape.h"

namespace c4::api {
namespace {

constexpr std::string_view kUnmatchedMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "OTHER"};

std::string seconds_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string prometheus_label(std::string_view value) {
  std::string out;
  // The text format is UTF-8: a name read from the database may hold other bytes.
  for (char c : valid_utf8(value)) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

Metrics::Metrics(std::string version) : version_(std::move(version)) {
  for (auto m : kUnmatchedMethods) add_route("unmatched", m);
}

Metrics::SlotId Metrics::add_route(std::string_view route, std::string_view method) {
  Slot& s = slots_.emplace_back();
  s.route = route;
  s.method = method;
  return slots_.size() - 1;
}

Metrics::SlotId Metrics::unmatched(std::string_view method) const {
  for (size_t i = 0; i < std::size(kUnmatchedMethods); ++i)
    if (kUnmatchedMethods[i] == method) return i;
  return std::size(kUnmatchedMethods) - 1;  // OTHER
}

void Metrics::record(SlotId slot, int status, std::chrono::nanoseconds elapsed) {
  Slot& s = slots_[slot];
  if (status >= 0 && status < static_cast<int>(s.by_status.size()))
    s.by_status[status].fetch_add(1, std::memory_order_relaxed);
  double seconds = std::chrono::duration<double>(elapsed).count();
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<uint64_t>(elapsed.count()), std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::add_text_source(std::function<std::string()> source) { sources_.push_back(std::move(source)); }

uint64_t Metrics::request_count(std::string_view route, std::string_view method, int status) const {
  if (status < 0 || status >= 600) return 0;
  uint64_t n = 0;
  for (const auto& s : slots_)
    if (s.route == route && s.method == method) n += s.by_status[status].load(std::memory_order_relaxed);
  return n;
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP c4confd_build_info The version of this c4confd binary.\n# TYPE c4confd_build_info gauge\n";
  out += "c4confd_build_info{version=\"" + prometheus_label(version_) + "\"} 1\n";

  out += "# HELP c4confd_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
         "# TYPE c4confd_http_requests_total counter\n";
  for (const auto& s : slots_) {
    std::string labels = "route=\"" + prometheus_label(s.route) + "\",method=\"" + s.method + "\"";
    for (size_t status = 0; status < s.by_status.size(); ++status) {
      uint64_t n = s.by_status[status].load(std::memory_order_relaxed);
      if (n) out += "c4confd_http_requests_total{" + labels + ",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    }
  }

  out += "# HELP c4confd_http_request_duration_seconds Time from routing a request to its reply being ready.\n"
         "# TYPE c4confd_http_request_duration_seconds histogram\n";
  for (const auto& s : slots_) {
    uint64_t count = s.count.load(std::memory_order_relaxed);
    if (!count && s.route == "unmatched") continue;  // keep the output short: eight empty slots
    std::string labels = "route=\"" + prometheus_label(s.route) + "\",method=\"" + s.method + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += s.buckets[b].load(std::memory_order_relaxed);
      std::string le = b < kBuckets.size() ? seconds_text(kBuckets[b]) : "+Inf";
      out += "c4confd_http_request_duration_seconds_bucket{" + labels + ",le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    double sum = static_cast<double>(s.sum_ns.load(std::memory_order_relaxed)) / 1e9;
    out += "c4confd_http_request_duration_seconds_sum{" + labels + "} " + seconds_text(sum) + "\n";
    // The count is the +Inf bucket, so _count and the buckets agree even while others record.
    out += "c4confd_http_request_duration_seconds_count{" + labels + "} " + std::to_string(cumulative) + "\n";
  }
  for (const auto& source : sources_) out += source();
  return out;
}

}  // namespace c4::api
