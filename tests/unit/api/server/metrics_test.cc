// Metrics: counters per route, method and status, histograms, text sources.
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "api/server/metrics.h"

namespace c4::api {

TEST_CASE("metrics count requests by route method and status and render Prometheus text") {
  Metrics m("1.2.3");
  auto slot = m.add_route("/1.0/carriers/{id}", "GET");
  m.record(slot, 200, std::chrono::microseconds(300));
  m.record(slot, 200, std::chrono::milliseconds(3));
  m.record(slot, 404, std::chrono::microseconds(50));
  m.record(m.unmatched("PUT"), 405, std::chrono::microseconds(10));
  m.add_text_source([] { return std::string("# TYPE extra_gauge gauge\nextra_gauge 7\n"); });
  std::string text = m.render();
  CHECK(text.find("c4confd_build_info{version=\"1.2.3\"} 1\n") != std::string::npos);
  CHECK(text.find("c4confd_http_requests_total{route=\"/1.0/carriers/{id}\",method=\"GET\",status=\"200\"} 2\n") != std::string::npos);
  CHECK(text.find("c4confd_http_requests_total{route=\"/1.0/carriers/{id}\",method=\"GET\",status=\"404\"} 1\n") != std::string::npos);
  CHECK(text.find("c4confd_http_requests_total{route=\"unmatched\",method=\"PUT\",status=\"405\"} 1\n") != std::string::npos);
  // 300 µs falls in le=0.0005, 3 ms in le=0.005: cumulative buckets.
  CHECK(text.find("c4confd_http_request_duration_seconds_bucket{route=\"/1.0/carriers/{id}\",method=\"GET\",le=\"0.00025\"} 1\n") != std::string::npos);
  CHECK(text.find("c4confd_http_request_duration_seconds_bucket{route=\"/1.0/carriers/{id}\",method=\"GET\",le=\"0.0005\"} 2\n") != std::string::npos);
  CHECK(text.find("c4confd_http_request_duration_seconds_bucket{route=\"/1.0/carriers/{id}\",method=\"GET\",le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("c4confd_http_request_duration_seconds_count{route=\"/1.0/carriers/{id}\",method=\"GET\"} 3\n") != std::string::npos);
  CHECK(text.find("extra_gauge 7\n") != std::string::npos);
  CHECK(m.request_count("/1.0/carriers/{id}", "GET", 200) == 2);
}

TEST_CASE("metrics counted from many threads lose no request") {
  Metrics m("test");
  auto slot = m.add_route("/1.0/kamailio/routing", "POST");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25000; ++i) m.record(slot, 200, std::chrono::microseconds(20));
    });
  for (auto& t : threads) t.join();
  CHECK(m.request_count("/1.0/kamailio/routing", "POST", 200) == 100000);
  CHECK(m.render().find("c4confd_http_request_duration_seconds_count{route=\"/1.0/kamailio/routing\",method=\"POST\"} 100000\n") !=
        std::string::npos);
}

TEST_CASE("prometheus label values escape quotes backslashes and newlines") {
  CHECK(prometheus_label("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

}  // namespace c4::api
