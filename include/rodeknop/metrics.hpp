#pragma once
// Request metrics and their Prometheus text rendering for GET /metrics.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace rodeknop {

namespace store {
struct writer_stats;
}
namespace http {
struct server_stats;
}

class metrics {
 public:
  static constexpr std::array<double, 12> latency_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                          0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  void observe_request(std::string_view route, std::string_view method, unsigned status, double seconds);

  /// The whole exposition (Prometheus text format 0.0.4): requests, latency, connections, event
  /// streams, the writer's commits and batches, reports by status.
  /// `event_streams`: open live-update streams (GET /api/v1/events), from the hub;
  /// `search_index_lag`: reports not in the full-text index yet (store::search_indexer).
  std::string render(const store::writer_stats& writer, const http::server_stats* server,
                     const std::vector<std::pair<std::string, std::int64_t>>& reports_by_status,
                     std::size_t event_streams, std::int64_t search_index_lag) const;

 private:
  struct histogram {
    std::array<std::uint64_t, latency_buckets.size() + 1> counts{};
    double sum = 0;
    std::uint64_t count = 0;
  };
  using request_counts = std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t, std::less<>>;
  using latencies = std::map<std::string, histogram, std::less<>>;

  // Requests are counted in shards: a thread always uses the same one, so that the I/O threads
  // do not pass one lock and its cache line back and forth on every request; /metrics adds the
  // shards up. (With the remembered entry below: /healthz 153-159k -> 161-165k req/s.)
  struct alignas(64) shard {
    mutable std::mutex mutex;
    request_counts requests;
    latencies latency;
    // The entries of the shard's last request (map nodes never move): a run of requests to
    // the same route with the same outcome skips both look-ups.
    std::uint64_t* last_count = nullptr;
    histogram* last_latency = nullptr;
    std::string_view last_route, last_method;  // views of the keys of those entries
    unsigned last_status = 0;
  };
  static constexpr std::size_t shard_count = 16;
  std::array<shard, shard_count> shards_;
};

}  // namespace rodeknop
