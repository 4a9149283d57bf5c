// The log on stdout as operators and supervisors meet it: `listening on` comes first, and a
// stdout that nobody reads (a full pipe) costs log lines, never answers or the clean stop.
#include <catch2/catch.hpp>

#include <regex>

#include "harness.hpp"

using namespace rk_test;

namespace {

// The value of an unlabelled sample in /metrics.
double metric(unsigned short port, const std::string& name) {
  const auto body = get(port, "/metrics").body;
  const std::regex line("(^|\n)" + name + " ([0-9.e+]+)\n");
  std::smatch m;
  REQUIRE(std::regex_search(body, m, line));
  return std::stod(m[2].str());
}

}  // namespace

TEST_CASE("the first line on stdout is `listening on`, the log lines held until then follow it", "[operations][logging]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  REQUIRE(get(srv.port(), "/healthz").status == 200);
  REQUIRE(srv.stop() == 0);
  const auto out = srv.output();
  const auto first = out.substr(0, out.find('\n'));
  CHECK(first == "listening on http://127.0.0.1:" + std::to_string(srv.port()));
  // The start-up line written before the socket was ready comes after it, then the request.
  const auto starting = out.find("\"event\":\"starting\"");
  const auto request = out.find("\"event\":\"request\"");
  CHECK(starting != std::string::npos);
  CHECK(request != std::string::npos);
  CHECK(starting < request);
  CHECK(out.find("\"event\":\"stopped\"") != std::string::npos);
}

TEST_CASE("the log level flag takes the level names the lines carry, and leaves out what is below it", "[operations][logging]") {
  for (const char* level : {"warning", "warn"}) {
    INFO(level);
    temp_dir dir;
    server_process srv(dir.file("rk.db"), {"--log-level", level});
    REQUIRE(get(srv.port(), "/healthz").status == 200);
    require_error(post_json(srv.port(), "/api/v1/session", {{"username", "nobody"}, {"password", "not the password"}}),
                  401, "invalid_credentials");
    REQUIRE(srv.stop() == 0);
    const auto out = srv.output();
    CHECK(out.find("\"event\":\"request\"") == std::string::npos);  // info
    CHECK(out.find("\"event\":\"auth.login_failed\",\"level\":\"warning\"") != std::string::npos);
  }
}

TEST_CASE("a stdout nobody reads drops log lines, while every request is answered, once read again, a line "
          "says how many were dropped, and SIGTERM still stops it",
          "[operations][logging]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"), {}, {}, /*read_output=*/false);
  // One access-log line (~140 bytes) per request: 4,000 of them are far more than a pipe (64 KiB)
  // and the server's own buffer (256 KiB) hold. Each request has 30 s before the harness gives up.
  for (int i = 0; i < 4000; ++i) {
    const auto r = get(srv.port(), "/healthz");
    REQUIRE(r.status == 200);
  }
  CHECK(post_json(srv.port(), "/api/v1/reports", valid_report()).status == 201);
  const auto dropped = metric(srv.port(), "rodeknop_log_lines_dropped_total");
  CHECK(dropped > 0);

  SECTION("stdout is read again") {
    srv.start_reading();
    // The periodic flush (every second) writes what was kept, then the count of what was not.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (srv.output().find("log_lines_dropped") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      REQUIRE(get(srv.port(), "/healthz").status == 200);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    REQUIRE(srv.stop() == 0);
    const auto out = srv.output();
    CHECK(out.rfind("listening on http://127.0.0.1:", 0) == 0);
    const std::regex notice(R"(\{"count":(\d+),"event":"log_lines_dropped","level":"warning",)");
    std::smatch m;
    REQUIRE(std::regex_search(out, m, notice));
    CHECK(std::stod(m[1].str()) >= dropped);
  }
  SECTION("stdout is never read again") {
    const auto started = std::chrono::steady_clock::now();
    CHECK(srv.stop(std::chrono::seconds(20)) == 0);
    // It waits for stdout a little (2 s) for what is left, not for ever.
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  }
}

TEST_CASE("a stdout that is read loses no log line", "[operations][logging]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  for (int i = 0; i < 2000; ++i) REQUIRE(get(srv.port(), "/healthz").status == 200);
  CHECK(metric(srv.port(), "rodeknop_log_lines_dropped_total") == 0);
  REQUIRE(srv.stop() == 0);
  const auto out = srv.output();
  std::size_t lines = 0;
  for (auto at = out.find("\"route\":\"/healthz\""); at != std::string::npos; at = out.find("\"route\":\"/healthz\"", at + 1))
    ++lines;
  CHECK(lines == 2000);
  CHECK(out.find("log_lines_dropped") == std::string::npos);
}
