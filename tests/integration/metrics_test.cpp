// GET /metrics in the Prometheus text exposition format (version 0.0.4), parsed line by line:
// every sample is `name{labels} value`, every family has HELP and TYPE before its samples and
// its samples together, histogram buckets are cumulative with +Inf equal to _count, and the
// families operators rely on are there with the right numbers.
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <cmath>
#include <regex>
#include <set>

#include "harness.hpp"

using namespace rk_test;

namespace {

struct sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct family {
  std::string help;
  std::string type;
  std::vector<sample> samples;
};

double parse_value(const std::string& v) {
  if (v == "+Inf") return INFINITY;
  if (v == "-Inf") return -INFINITY;
  if (v == "NaN") return NAN;
  std::size_t used = 0;
  const double d = std::stod(v, &used);
  REQUIRE(used == v.size());
  return d;
}

// `a="x",b="y\"z"` → labels; fails the test on anything malformed.
std::map<std::string, std::string> parse_labels(const std::string& text) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  static const std::regex name_re("[a-zA-Z_][a-zA-Z0-9_]*");
  while (i < text.size()) {
    const auto eq = text.find('=', i);
    REQUIRE(eq != std::string::npos);
    const auto name = text.substr(i, eq - i);
    REQUIRE(std::regex_match(name, name_re));
    REQUIRE(eq + 1 < text.size());
    REQUIRE(text[eq + 1] == '"');
    std::string value;
    std::size_t j = eq + 2;
    for (;; ++j) {
      REQUIRE(j < text.size());
      if (text[j] == '\\') {
        REQUIRE(j + 1 < text.size());
        const char e = text[++j];
        REQUIRE((e == '\\' || e == '"' || e == 'n'));
        value.push_back(e == 'n' ? '\n' : e);
      } else if (text[j] == '"') {
        break;
      } else {
        REQUIRE(text[j] != '\n');
        value.push_back(text[j]);
      }
    }
    REQUIRE(out.count(name) == 0);
    out[name] = value;
    i = j + 1;
    if (i < text.size()) {
      REQUIRE(text[i] == ',');
      ++i;
    }
  }
  return out;
}

// The family a sample belongs to: histogram samples carry _bucket, _sum, _count.
std::string family_of(const std::string& name, const std::map<std::string, family>& families) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const auto base = name.substr(0, name.size() - s.size());
      const auto it = families.find(base);
      if (it != families.end() && (it->second.type == "histogram" || it->second.type == "summary")) return base;
    }
  }
  return name;
}

std::map<std::string, family> parse_exposition(const std::string& text) {
  REQUIRE_FALSE(text.empty());
  REQUIRE(text.back() == '\n');
  std::map<std::string, family> families;
  std::set<std::string> finished;  // families whose samples are over (they must be contiguous)
  std::string current;
  std::set<std::string> series;
  static const std::regex help_re(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+))");
  static const std::regex type_re(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample_re(R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+))");
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    REQUIRE_FALSE(line.empty());
    std::smatch m;
    if (line.rfind("# HELP ", 0) == 0) {
      REQUIRE(std::regex_match(line, m, help_re));
      auto& f = families[m[1]];
      REQUIRE(f.help.empty());  // once per family
      REQUIRE(f.samples.empty());
      f.help = m[2];
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      REQUIRE(std::regex_match(line, m, type_re));
      auto& f = families[m[1]];
      REQUIRE(f.type.empty());
      REQUIRE(f.samples.empty());  // TYPE before the first sample
      f.type = m[2];
      continue;
    }
    REQUIRE(line.front() != '#');
    REQUIRE(std::regex_match(line, m, sample_re));
    sample s{m[1], m[2].matched ? parse_labels(m[2]) : std::map<std::string, std::string>{}, parse_value(m[3])};
    const auto name = family_of(s.name, families);
    REQUIRE(families.count(name) == 1);
    auto& f = families[name];
    REQUIRE_FALSE(f.help.empty());
    REQUIRE_FALSE(f.type.empty());
    if (name != current) {
      REQUIRE(finished.count(name) == 0);  // a family's samples are not split up
      if (!current.empty()) finished.insert(current);
      current = name;
    }
    std::string key = s.name + "{";
    for (const auto& [k, v] : s.labels) key += k + "=" + v + ",";
    REQUIRE(series.insert(key).second);  // no series twice
    if (f.type == "counter" || f.type == "histogram") REQUIRE(s.value >= 0);
    f.samples.push_back(std::move(s));
  }
  return families;
}

// Buckets cumulative, le ascending, +Inf == _count, _sum present, for each label set.
void check_histogram(const std::string& name, const family& f) {
  INFO(name);
  REQUIRE(f.type == "histogram");
  std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> buckets;
  std::map<std::map<std::string, std::string>, double> counts, sums;
  for (const auto& s : f.samples) {
    auto labels = s.labels;
    if (s.name == name + "_bucket") {
      REQUIRE(labels.count("le") == 1);
      const double le = parse_value(labels.at("le"));
      labels.erase("le");
      buckets[labels].emplace_back(le, s.value);
    } else if (s.name == name + "_count") {
      counts[labels] = s.value;
    } else if (s.name == name + "_sum") {
      sums[labels] = s.value;
    } else {
      FAIL("unexpected sample " << s.name << " in histogram " << name);
    }
  }
  REQUIRE_FALSE(buckets.empty());
  for (const auto& [labels, list] : buckets) {
    REQUIRE(list.size() >= 2);
    for (std::size_t i = 1; i < list.size(); ++i) {
      REQUIRE(list[i].first > list[i - 1].first);    // le ascending
      REQUIRE(list[i].second >= list[i - 1].second);  // cumulative
    }
    REQUIRE(std::isinf(list.back().first));
    REQUIRE(counts.count(labels) == 1);
    REQUIRE(sums.count(labels) == 1);
    REQUIRE(list.back().second == counts.at(labels));
  }
  REQUIRE(counts.size() == buckets.size());
}

double value_of(const family& f, const std::string& name, const std::map<std::string, std::string>& labels) {
  for (const auto& s : f.samples)
    if (s.name == name && s.labels == labels) return s.value;
  FAIL("no sample " << name << " with the given labels");
  return 0;
}

}  // namespace

TEST_CASE("/metrics is valid Prometheus text with every family operators need", "[metrics][operations]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto token = create_token(dir.file("rk.db"), "monitor", "triager");
  for (int i = 0; i < 3; ++i) REQUIRE(post_json(srv.port(), "/api/v1/reports", valid_report()).status == 201);
  REQUIRE(post_json(srv.port(), "/api/v1/reports", nlohmann::json::object()).status == 422);
  REQUIRE(get(srv.port(), "/api/v1/nothing-here").status == 404);
  for (int i = 0; i < 5; ++i) REQUIRE(get(srv.port(), "/healthz").status == 200);

  // A request is counted once its response is written, so the last answer may reach us a
  // moment before it is in the counters: scrape until it is (at most 2 s).
  std::map<std::string, family> families;
  for (int attempt = 0; attempt < 40; ++attempt) {
    const auto r = get(srv.port(), "/metrics");
    REQUIRE(r.status == 200);
    REQUIRE(r.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
    families = parse_exposition(r.body);
    if (r.body.find("rodeknop_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 5\n") !=
        std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  for (const auto& [name, f] : families) {
    INFO(name);
    REQUIRE(name.rfind("rodeknop_", 0) == 0);
    if (f.type == "histogram") check_histogram(name, f);
    if (f.type == "counter") REQUIRE(name.size() > 6);
    if (f.type == "counter") REQUIRE(name.compare(name.size() - 6, 6, "_total") == 0);
  }

  // Requests by route and status.
  const auto& requests = families.at("rodeknop_http_requests_total");
  REQUIRE(requests.type == "counter");
  REQUIRE(value_of(requests, "rodeknop_http_requests_total",
                   {{"route", "/api/v1/reports"}, {"method", "POST"}, {"status", "201"}}) == 3);
  REQUIRE(value_of(requests, "rodeknop_http_requests_total",
                   {{"route", "/api/v1/reports"}, {"method", "POST"}, {"status", "422"}}) == 1);
  REQUIRE(value_of(requests, "rodeknop_http_requests_total", {{"route", "/healthz"}, {"method", "GET"}, {"status", "200"}}) == 5);
  REQUIRE(value_of(requests, "rodeknop_http_requests_total", {{"route", "(none)"}, {"method", "GET"}, {"status", "404"}}) == 1);

  // Latency histograms per route.
  const auto& latency = families.at("rodeknop_http_request_duration_seconds");
  REQUIRE(value_of(latency, "rodeknop_http_request_duration_seconds_count", {{"route", "/api/v1/reports"}}) == 4);

  // Open connections (this one, at least) and open event streams.
  REQUIRE(families.at("rodeknop_http_open_connections").type == "gauge");
  REQUIRE(value_of(families.at("rodeknop_http_open_connections"), "rodeknop_http_open_connections", {}) >= 1);
  REQUIRE(families.at("rodeknop_event_streams_open").type == "gauge");
  REQUIRE(value_of(families.at("rodeknop_event_streams_open"), "rodeknop_event_streams_open", {}) == 0);

  // Reports by status: every status, 0 where there are none.
  const auto& reports = families.at("rodeknop_reports");
  REQUIRE(reports.type == "gauge");
  REQUIRE(value_of(reports, "rodeknop_reports", {{"status", "new"}}) == 3);
  REQUIRE(value_of(reports, "rodeknop_reports", {{"status", "resolved"}}) == 0);
  REQUIRE(reports.samples.size() >= 8);

  // Reports not in the full-text index yet: none once the writer has been quiet for a moment.
  REQUIRE(families.at("rodeknop_search_index_lag").type == "gauge");
  double lag = value_of(families.at("rodeknop_search_index_lag"), "rodeknop_search_index_lag", {});
  for (int attempt = 0; attempt < 40 && lag != 0; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    lag = value_of(parse_exposition(get(srv.port(), "/metrics").body).at("rodeknop_search_index_lag"),
                   "rodeknop_search_index_lag", {});
  }
  REQUIRE(lag == 0);

  // The writer: commit latency and batch size, each commit holding at least one job.
  const auto& commits = families.at("rodeknop_db_commit_duration_seconds");
  const double n_commits = value_of(commits, "rodeknop_db_commit_duration_seconds_count", {});
  REQUIRE(n_commits >= 3);
  const auto& batches = families.at("rodeknop_db_commit_batch_size");
  REQUIRE(value_of(batches, "rodeknop_db_commit_batch_size_count", {}) == n_commits);
  REQUIRE(value_of(batches, "rodeknop_db_commit_batch_size_sum", {}) >= n_commits);
  REQUIRE(value_of(batches, "rodeknop_db_commit_batch_size_bucket", {{"le", "1"}}) >= 1);

  // An open event stream shows in the gauge while it is open.
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket stream(ioc);
  stream.connect({net::ip::make_address("127.0.0.1"), srv.port()});
  net::write(stream, net::buffer("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n"
                                 "Authorization: Bearer " + token + "\r\n\r\n"));
  net::streambuf head;
  net::read_until(stream, head, "\r\n\r\n");
  const std::string status_line(net::buffers_begin(head.data()), net::buffers_begin(head.data()) + 12);
  REQUIRE(status_line == "HTTP/1.1 200");
  const auto with_stream = parse_exposition(get(srv.port(), "/metrics").body);
  REQUIRE(value_of(with_stream.at("rodeknop_event_streams_open"), "rodeknop_event_streams_open", {}) == 1);
}
