// Request metrics: every request is counted once under its route, method and status, whatever
// the order of requests and however many threads count them (each thread has its shard, and
// each shard remembers its last entry); /metrics adds the shards up.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "rodeknop/metrics.hpp"
#include "rodeknop/store/writer.hpp"

using rodeknop::metrics;

namespace {

/// The value of every sample line that starts with `prefix` (the whole series name and labels).
std::map<std::string, double> samples(const std::string& text, const std::string& prefix) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    const auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

std::string render(const metrics& m) {
  const rodeknop::store::writer_stats writer;
  return m.render(writer, nullptr, {}, 0, 0);
}

}  // namespace

TEST_CASE("requests are counted by route, method and status, also when they alternate", "[metrics]") {
  metrics m;
  // One after another: only the method changes, only the status changes, both change.
  m.observe_request("/healthz", "GET", 200, 0.0001);
  m.observe_request("/healthz", "GET", 200, 0.0002);
  m.observe_request("/healthz", "HEAD", 200, 0.0001);
  m.observe_request("/api/v1/reports", "POST", 201, 0.004);
  m.observe_request("/api/v1/reports", "POST", 422, 0.001);
  m.observe_request("/api/v1/reports", "GET", 401, 0.0004);
  m.observe_request("/api/v1/reports", "POST", 201, 0.003);
  m.observe_request("/healthz", "GET", 200, 0.0003);

  const auto text = render(m);
  const auto counts = samples(text, "rodeknop_http_requests_total{");
  CHECK(counts.size() == 5);
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/healthz",method="GET",status="200"})") == 3);
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/healthz",method="HEAD",status="200"})") == 1);
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/api/v1/reports",method="POST",status="201"})") == 2);
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/api/v1/reports",method="POST",status="422"})") == 1);
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/api/v1/reports",method="GET",status="401"})") == 1);

  const auto totals = samples(text, "rodeknop_http_request_duration_seconds_count{");
  CHECK(totals.at(R"(rodeknop_http_request_duration_seconds_count{route="/healthz"})") == 4);
  CHECK(totals.at(R"(rodeknop_http_request_duration_seconds_count{route="/api/v1/reports"})") == 4);
  const auto buckets = samples(text, "rodeknop_http_request_duration_seconds_bucket{route=\"/api/v1/reports\"");
  CHECK(buckets.at(R"(rodeknop_http_request_duration_seconds_bucket{route="/api/v1/reports",le="0.0005"})") == 1);
  CHECK(buckets.at(R"(rodeknop_http_request_duration_seconds_bucket{route="/api/v1/reports",le="0.001"})") == 2);
  CHECK(buckets.at(R"(rodeknop_http_request_duration_seconds_bucket{route="/api/v1/reports",le="0.005"})") == 4);
  CHECK(buckets.at(R"(rodeknop_http_request_duration_seconds_bucket{route="/api/v1/reports",le="+Inf"})") == 4);
  const auto sums = samples(text, "rodeknop_http_request_duration_seconds_sum{");
  CHECK(sums.at(R"(rodeknop_http_request_duration_seconds_sum{route="/api/v1/reports"})") == Approx(0.0084));
}

TEST_CASE("a route counted from a buffer that is then reused keeps its own name", "[metrics]") {
  metrics m;
  std::string route = "/api/v1/reports";
  m.observe_request(route, "GET", 200, 0.001);
  route = "/api/v1/triage";  // the same buffer, other contents
  m.observe_request(route, "GET", 200, 0.001);
  const auto counts = samples(render(m), "rodeknop_http_requests_total{");
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/api/v1/reports",method="GET",status="200"})") == 1);
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/api/v1/triage",method="GET",status="200"})") == 1);
}

TEST_CASE("requests counted by many threads at once all add up", "[metrics]") {
  metrics m;
  constexpr int threads = 24;  // more than there are shards: some threads share one
  constexpr int per_thread = 5000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&m, t] {
      for (int i = 0; i < per_thread; ++i) {
        m.observe_request(i % 3 == 0 ? "/healthz" : "/api/v1/reports", "GET", t % 2 == 0 ? 200 : 304, 0.001);
        if (i % 1000 == 0) (void)render(m);  // /metrics read while counting
      }
    });
  for (auto& th : pool) th.join();

  const auto text = render(m);
  double total = 0;
  for (const auto& [series, n] : samples(text, "rodeknop_http_requests_total{")) total += n;
  CHECK(total == threads * per_thread);
  const auto counts = samples(text, "rodeknop_http_requests_total{");
  // i % 3 == 0 for 1667 of every 5000 requests; half the threads answer 200, half 304.
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/healthz",method="GET",status="200"})") == 12 * 1667);
  CHECK(counts.at(R"(rodeknop_http_requests_total{route="/api/v1/reports",method="GET",status="304"})") == 12 * 3333);
  const auto totals = samples(text, "rodeknop_http_request_duration_seconds_count{");
  CHECK(totals.at(R"(rodeknop_http_request_duration_seconds_count{route="/healthz"})") == threads * 1667);
}
