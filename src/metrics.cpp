#include "rodeknop/metrics.hpp"

#include <atomic>
#include <sstream>

#include "rodeknop/http/server.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/store/writer.hpp"

namespace rodeknop {

namespace {

// Label values are route patterns and fixed words, but escape anyway.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// A number per thread, handed out in the order threads first count a request.
std::size_t this_thread_slot() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t slot = next.fetch_add(1, std::memory_order_relaxed);
  return slot;
}

}  // namespace

void metrics::observe_request(std::string_view route, std::string_view method, unsigned status, double seconds) {
  auto& s = shards_[this_thread_slot() % shard_count];
  std::lock_guard lock(s.mutex);
  if (!s.last_count || status != s.last_status || route != s.last_route || method != s.last_method) {
    // Look up by views first: the keys are allocated once per route, not per request.
    const auto key = std::make_tuple(route, method, status);
    auto r = s.requests.find(key);
    if (r == s.requests.end())
      r = s.requests.emplace(std::make_tuple(std::string(route), std::string(method), status), 0).first;
    auto l = s.latency.find(route);
    if (l == s.latency.end()) l = s.latency.emplace(std::string(route), histogram{}).first;
    s.last_count = &r->second;
    s.last_latency = &l->second;
    s.last_route = l->first;
    s.last_method = std::get<1>(r->first);
    s.last_status = status;
  }
  ++*s.last_count;
  auto& h = *s.last_latency;
  std::size_t b = 0;
  while (b < latency_buckets.size() && seconds > latency_buckets[b]) ++b;
  ++h.counts[b];
  h.sum += seconds;
  ++h.count;
}

std::string metrics::render(const store::writer_stats& writer, const http::server_stats* server,
                            const std::vector<std::pair<std::string, std::int64_t>>& reports_by_status,
                            std::size_t event_streams, std::int64_t search_index_lag) const {
  request_counts requests;
  latencies latency;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (const auto& [key, n] : s.requests) requests[key] += n;
    for (const auto& [route, h] : s.latency) {
      auto& sum = latency[route];
      for (std::size_t i = 0; i < h.counts.size(); ++i) sum.counts[i] += h.counts[i];
      sum.sum += h.sum;
      sum.count += h.count;
    }
  }
  std::ostringstream out;
  out << "# HELP rodeknop_http_requests_total HTTP requests by route pattern, method and status.\n"
         "# TYPE rodeknop_http_requests_total counter\n";
  for (const auto& [key, n] : requests) {
    const auto& [route, method, status] = key;
    out << "rodeknop_http_requests_total{route=\"" << label(route) << "\",method=\"" << label(method)
        << "\",status=\"" << status << "\"} " << n << "\n";
  }
  out << "# HELP rodeknop_http_request_duration_seconds Time from request header to response written.\n"
         "# TYPE rodeknop_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
      cumulative += h.counts[i];
      out << "rodeknop_http_request_duration_seconds_bucket{route=\"" << label(route) << "\",le=\""
          << latency_buckets[i] << "\"} " << cumulative << "\n";
    }
    cumulative += h.counts[latency_buckets.size()];
    out << "rodeknop_http_request_duration_seconds_bucket{route=\"" << label(route) << "\",le=\"+Inf\"} "
        << cumulative << "\n";
    out << "rodeknop_http_request_duration_seconds_sum{route=\"" << label(route) << "\"} " << h.sum << "\n";
    out << "rodeknop_http_request_duration_seconds_count{route=\"" << label(route) << "\"} " << h.count << "\n";
  }
  if (server) {
    out << "# HELP rodeknop_http_open_connections Open client connections.\n"
           "# TYPE rodeknop_http_open_connections gauge\n"
        << "rodeknop_http_open_connections " << server->open_connections.load() << "\n"
        << "# HELP rodeknop_http_connections_rejected_total Connections closed at once because of the limit.\n"
           "# TYPE rodeknop_http_connections_rejected_total counter\n"
        << "rodeknop_http_connections_rejected_total " << server->rejected_connections.load() << "\n"
        << "# HELP rodeknop_http_accept_failures_total Failed accepts (e.g. out of file descriptors); retried.\n"
           "# TYPE rodeknop_http_accept_failures_total counter\n"
        << "rodeknop_http_accept_failures_total " << server->accept_failures.load() << "\n";
  }
  out << "# HELP rodeknop_log_lines_dropped_total Log lines dropped because stdout did not take them.\n"
         "# TYPE rodeknop_log_lines_dropped_total counter\n"
      << "rodeknop_log_lines_dropped_total " << log::dropped_lines() << "\n";
  out << "# HELP rodeknop_db_commit_duration_seconds Duration of the writer's group commits.\n"
         "# TYPE rodeknop_db_commit_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < std::size(store::writer_stats::bucket_ms); ++i) {
    cumulative += writer.buckets[i].load();
    out << "rodeknop_db_commit_duration_seconds_bucket{le=\"" << store::writer_stats::bucket_ms[i] / 1000.0 << "\"} "
        << cumulative << "\n";
  }
  cumulative += writer.buckets[std::size(store::writer_stats::bucket_ms)].load();
  out << "rodeknop_db_commit_duration_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "rodeknop_db_commit_duration_seconds_sum " << static_cast<double>(writer.commit_micros_total.load()) / 1e6
      << "\n"
      << "rodeknop_db_commit_duration_seconds_count " << cumulative << "\n"
      << "# HELP rodeknop_db_commit_batch_size Write jobs per group commit.\n"
         "# TYPE rodeknop_db_commit_batch_size histogram\n";
  cumulative = 0;
  for (std::size_t i = 0; i < std::size(store::writer_stats::batch_buckets); ++i) {
    cumulative += writer.batch_size_buckets[i].load();
    out << "rodeknop_db_commit_batch_size_bucket{le=\"" << store::writer_stats::batch_buckets[i] << "\"} " << cumulative
        << "\n";
  }
  cumulative += writer.batch_size_buckets[std::size(store::writer_stats::batch_buckets)].load();
  out << "rodeknop_db_commit_batch_size_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "rodeknop_db_commit_batch_size_sum " << writer.batch_size_total.load() << "\n"
      << "rodeknop_db_commit_batch_size_count " << cumulative << "\n"
      << "# HELP rodeknop_db_commit_jobs_total Write jobs committed (batch size = jobs / commits).\n"
         "# TYPE rodeknop_db_commit_jobs_total counter\n"
      << "rodeknop_db_commit_jobs_total " << writer.batch_size_total.load() << "\n"
      << "# HELP rodeknop_db_failed_commits_total Group commits that failed (disk full, read-only, I/O).\n"
         "# TYPE rodeknop_db_failed_commits_total counter\n"
      << "rodeknop_db_failed_commits_total " << writer.failed_commits.load() << "\n";
  out << "# HELP rodeknop_event_streams_open Open live-update streams (GET /api/v1/events).\n"
         "# TYPE rodeknop_event_streams_open gauge\n"
      << "rodeknop_event_streams_open " << event_streams << "\n";
  out << "# HELP rodeknop_search_index_lag Reports sent to this server and not in the full-text index yet (it waits during bursts; "
         "searches index them first).\n"
         "# TYPE rodeknop_search_index_lag gauge\n"
      << "rodeknop_search_index_lag " << search_index_lag << "\n";
  out << "# HELP rodeknop_reports Reports by current status.\n# TYPE rodeknop_reports gauge\n";
  for (const auto& [status, n] : reports_by_status)
    out << "rodeknop_reports{status=\"" << label(status) << "\"} " << n << "\n";
  return out.str();
}

}  // namespace rodeknop
