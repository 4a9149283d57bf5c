// HTTP behaviour every client relies on: routing, limits, framing, keep-alive, static files,
// security headers, health, logs and a graceful stop.
#include <catch2/catch.hpp>

#include <ctime>
#include <fstream>
#include <iterator>
#include <regex>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "harness.hpp"

using namespace rk_test;
namespace http = boost::beast::http;

namespace {

/// Everything the server sends until it closes the connection.
std::string read_until_closed(boost::asio::ip::tcp::socket& socket) {
  std::string answer;
  boost::system::error_code ec;
  char buf[4096];
  for (;;) {
    const auto n = socket.read_some(boost::asio::buffer(buf), ec);
    if (ec) break;
    answer.append(buf, n);
  }
  return answer;
}

}  // namespace

TEST_CASE("unknown paths are 404 and wrong methods 405 with Allow, as JSON errors", "[http][routing]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto missing = get(srv.port(), "/api/v1/does-not-exist");
  REQUIRE(missing.status == 404);
  REQUIRE(missing.json().at("error").at("code") == "not_found");

  const auto wrong = request(srv.port(), http::verb::put, "/api/v1/reports", "{}", {{"Content-Type", "application/json"}});
  REQUIRE(wrong.status == 405);
  REQUIRE(wrong.header("allow") == "POST, GET, HEAD");  // creates, and the team's list
  REQUIRE(wrong.json().at("error").at("code") == "method_not_allowed");

  const auto meta = request(srv.port(), http::verb::delete_, "/api/v1/meta");
  REQUIRE(meta.status == 405);
  REQUIRE(meta.header("allow").find("GET") != std::string::npos);

  const auto page = get(srv.port(), "/bestaat-niet", {{"Accept", "text/html"}});
  REQUIRE(page.status == 404);
  REQUIRE(page.header("content-type") == "text/html; charset=utf-8");
  REQUIRE(page.body.find("Pagina niet gevonden") != std::string::npos);
}

TEST_CASE("health answers while the database does", "[http][operations]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto r = get(srv.port(), "/healthz");
  REQUIRE(r.status == 200);
  REQUIRE(r.json() == nlohmann::json({{"status", "ok"}}));
  const auto m = get(srv.port(), "/metrics");
  REQUIRE(m.status == 200);
  REQUIRE(m.body.find("rodeknop_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1") !=
          std::string::npos);
  REQUIRE(m.body.find("rodeknop_db_commit_duration_seconds_count") != std::string::npos);
}

TEST_CASE("every response carries the security headers", "[http][security]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  for (const auto& r : {get(srv.port(), "/"), get(srv.port(), "/healthz"), get(srv.port(), "/nope"),
                        get(srv.port(), "/css/rodeknop.css"),
                        post_json(srv.port(), "/api/v1/reports", nlohmann::json::object())}) {
    const auto csp = r.header("content-security-policy");
    REQUIRE_FALSE(csp.empty());
    REQUIRE(csp.find("unsafe-inline") == std::string::npos);
    REQUIRE(csp.find("frame-ancestors 'none'") != std::string::npos);
    REQUIRE(r.header("x-content-type-options") == "nosniff");
    // No address (a tracking link's token) goes to another site; our own form posts keep their
    // Origin, which the login's cross-site check needs where no Sec-Fetch-Site comes (plain http).
    REQUIRE(r.header("referrer-policy") == "same-origin");
  }
}

TEST_CASE("static files: right types, ETag revalidation, and no way out of static/", "[http][static]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto css = get(srv.port(), "/css/rodeknop.css");
  REQUIRE(css.status == 200);
  REQUIRE(css.header("content-type") == "text/css; charset=utf-8");
  const auto etag = css.header("etag");
  REQUIRE_FALSE(etag.empty());
  REQUIRE_FALSE(css.header("cache-control").empty());
  const auto again = get(srv.port(), "/css/rodeknop.css", {{"If-None-Match", etag}});
  REQUIRE(again.status == 304);
  REQUIRE(again.body.empty());

  const auto home = get(srv.port(), "/");
  REQUIRE(home.status == 200);
  REQUIRE(home.header("content-type") == "text/html; charset=utf-8");

  for (const char* evil : {"/../CMakeLists.txt", "/%2e%2e/CMakeLists.txt", "/css/..%2f..%2fCMakeLists.txt",
                           "/css/%2e%2e/%2e%2e/CMakeLists.txt", "/..%5c..%5cCMakeLists.txt", "/templates/index.html",
                           "/.hidden", "/css/../../README.md", "/%00", "//etc/passwd"}) {
    INFO(evil);
    const auto r = get(srv.port(), evil);
    REQUIRE((r.status == 404 || r.status == 400));
    REQUIRE(r.body.find("cmake_minimum_required") == std::string::npos);
    REQUIRE(r.body.find("{{") == std::string::npos);
  }
}

TEST_CASE("a large file arrives whole, byte for byte, and HEAD gives its length without it", "[http][static]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  std::ifstream in(std::string(RODEKNOP_STATIC_DIR) + "/vendor/chart.js/chart.umd.js", std::ios::binary);
  REQUIRE(in);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(file.size() > 64 * 1024);  // written from where it is, apart from the headers
  for (int i = 0; i < 3; ++i) {   // on one server, again and again
    const auto r = get(srv.port(), "/vendor/chart.js/chart.umd.js");
    REQUIRE(r.status == 200);
    REQUIRE(r.header("content-length") == std::to_string(file.size()));
    REQUIRE(r.body == file);
  }
  const auto head = request(srv.port(), boost::beast::http::verb::head, "/vendor/chart.js/chart.umd.js");
  REQUIRE(head.status == 200);
  REQUIRE(head.header("content-length") == std::to_string(file.size()));
  REQUIRE(head.body.empty());
  REQUIRE(get(srv.port(), "/healthz").status == 200);
}

TEST_CASE("oversized headers are 431 and oversized bodies 413 before they are read", "[http][limits]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto big = get(srv.port(), "/healthz", {{"X-Padding", std::string(9000, 'a')}});
  REQUIRE(big.status == 431);
  REQUIRE(big.json().at("error").at("code") == "headers_too_large");

  // Announces 10 MB but sends nothing: the answer must come at once, not after a timeout.
  const auto answer = raw_exchange(srv.port(),
                                   "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 10000000\r\n\r\n",
                                   std::chrono::milliseconds(3000));
  REQUIRE(answer.rfind("HTTP/1.1 413", 0) == 0);
}

TEST_CASE("ambiguous framing that could smuggle requests is refused and the connection closed", "[http][smuggling]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const std::string head = "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  for (const std::string& framing : {std::string("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"),
                                     std::string("Transfer-Encoding: gzip, chunked\r\n"),
                                     std::string("Content-Length: 5\r\nContent-Length: 6\r\n"),
                                     std::string("Content-Length: +5\r\n")}) {
    INFO(framing);
    const auto answer = raw_exchange(srv.port(), head + framing + "\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(answer.rfind("HTTP/1.1 400", 0) == 0);
    // Only one response: the smuggled second request was never served.
    REQUIRE(answer.find("HTTP/1.1", 5) == std::string::npos);
  }
  const auto http10 = raw_exchange(srv.port(),
                                   "POST /api/v1/reports HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  REQUIRE(http10.rfind("HTTP/1.1 400", 0) == 0);
  // A chunked body whose framing breaks is answered 400 (not a silent close), and nothing after
  // it is served.
  for (const std::string& chunk : {std::string("FFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n"), std::string("zz\r\nx\r\n0\r\n\r\n")}) {
    INFO(chunk);
    const auto answer = raw_exchange(srv.port(), head + "Transfer-Encoding: chunked\r\n\r\n" + chunk +
                                                     "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(answer.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(answer.find("\"bad_request\"") != std::string::npos);
    REQUIRE(answer.find("HTTP/1.1", 5) == std::string::npos);
  }
}

TEST_CASE("keep-alive serves several requests on one connection", "[http][keepalive]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto answer = raw_exchange(srv.port(), one + one + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::size_t count = 0, pos = 0;
  while ((pos = answer.find("HTTP/1.1 200 OK", pos)) != std::string::npos) {
    ++count;
    ++pos;
  }
  REQUIRE(count == 3);
}

TEST_CASE("an idle client is dropped after the header timeout and does not block others", "[http][timeouts]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"), {"--header-timeout", "1"});
  const auto started = std::chrono::steady_clock::now();
  std::thread slow([&] { raw_exchange(srv.port(), "GET /healthz HTTP/1.1\r\nHost:", std::chrono::milliseconds(5000)); });
  REQUIRE(get(srv.port(), "/healthz").status == 200);
  slow.join();
  const auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE(waited < std::chrono::milliseconds(4000));
}

TEST_CASE("SIGTERM, SIGINT and SIGHUP stop the server gracefully with exit status 0", "[http][lifecycle]") {
  temp_dir dir;
  for (const int signal : {SIGTERM, SIGINT, SIGHUP}) {
    INFO("signal " << signal);
    server_process srv(dir.file("rk.db"));
    REQUIRE(get(srv.port(), "/healthz").status == 200);
    REQUIRE(srv.stop(std::chrono::seconds(20), signal) == 0);
    CHECK(srv.output().find("\"event\":\"stopped\"") != std::string::npos);
  }
}

TEST_CASE("the access log has one JSON line per request and never a tracking token or name", "[http][logging]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto token =
      post_json(srv.port(), "/api/v1/reports", valid_report()).json().at("tracking_token").get<std::string>();
  get(srv.port(), "/api/v1/track/" + token);
  get(srv.port(), "/volg/" + token);
  REQUIRE(srv.stop() == 0);
  const auto out = srv.output();
  REQUIRE(out.find(token) == std::string::npos);
  REQUIRE(out.find("Fatima") == std::string::npos);
  REQUIRE(out.find("f.elamrani") == std::string::npos);
  std::size_t requests = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("listening on", 0) == 0) continue;
    const auto j = nlohmann::json::parse(line);  // every other line is JSON
    if (j.at("event") == "request") {
      ++requests;
      REQUIRE(j.contains("status"));
      REQUIRE(j.contains("duration_ms"));
    }
  }
  REQUIRE(requests == 3);
}

TEST_CASE("a request in flight during SIGTERM is finished before the server exits", "[http][lifecycle]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto body = valid_report("Verstuurd tijdens het stoppen").dump();
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), srv.port()});
  const std::string head = "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  // Header and half the body, then the stop signal, then the rest.
  net::write(socket, net::buffer(head + body.substr(0, body.size() / 2)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  int exit_status = -2;
  std::thread stopper([&] { exit_status = srv.stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  net::write(socket, net::buffer(body.substr(body.size() / 2)));
  const auto answer = read_until_closed(socket);
  stopper.join();
  REQUIRE(exit_status == 0);
  REQUIRE(answer.rfind("HTTP/1.1 201", 0) == 0);
  REQUIRE(answer.find("Connection: close") != std::string::npos);
}

namespace {

/// Whether `value` is an IMF-fixdate (RFC 9110 5.6.7) within a few seconds of now.
bool recent_imf_fixdate(const std::string& value) {
  static const std::regex format(
      "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
      "[0-9]{2}:[0-9]{2}:[0-9]{2} GMT");
  if (!std::regex_match(value, format)) return false;
  std::tm tm{};
  if (!::strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return false;
  const auto sent = ::timegm(&tm);
  const auto now = std::time(nullptr);
  return sent <= now + 1 && sent >= now - 5;
}

}  // namespace

TEST_CASE("every response carries a Date header as an IMF-fixdate", "[http][date]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto css = get(srv.port(), "/css/rodeknop.css");
  for (const auto& r : {get(srv.port(), "/healthz"), get(srv.port(), "/nope"), css,
                        get(srv.port(), "/css/rodeknop.css", {{"If-None-Match", css.header("etag")}}),
                        post_json(srv.port(), "/api/v1/reports", valid_report()),
                        post_json(srv.port(), "/api/v1/reports", nlohmann::json::object()),
                        get(srv.port(), "/api/v1/reports")}) {
    INFO(r.status);
    REQUIRE(recent_imf_fixdate(r.header("date")));
  }
  // Also on an answer from the protocol checks, and only once on each response.
  const auto refused = raw_exchange(srv.port(), "GET /healthz HTTP/1.1\r\n\r\n");
  REQUIRE(refused.rfind("HTTP/1.1 400", 0) == 0);
  const auto at = refused.find("\r\nDate: ");
  REQUIRE(at != std::string::npos);
  REQUIRE(recent_imf_fixdate(refused.substr(at + 8, refused.find("\r\n", at + 8) - at - 8)));
  const auto both = raw_exchange(srv.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(both.find("\r\nDate: ") != std::string::npos);
  REQUIRE(both.find("\r\nDate: ", both.find("\r\nDate: ") + 1) == std::string::npos);
}

TEST_CASE("If-None-Match compares weakly, takes a list of tags or *, and answers 304", "[http][static]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto css = get(srv.port(), "/css/rodeknop.css");
  REQUIRE(css.status == 200);
  const auto etag = css.header("etag");
  REQUIRE(etag.size() > 2);
  for (const std::string& tags : {"W/" + etag, "\"other\", " + etag, "\"a,b\",W/\"x\" ,  " + etag + " , \"z\"",
                                  std::string("*"), "W/\"other\", W/" + etag}) {
    INFO(tags);
    const auto r = get(srv.port(), "/css/rodeknop.css", {{"If-None-Match", tags}});
    REQUIRE(r.status == 304);
    REQUIRE(r.header("etag") == etag);
    REQUIRE(r.body.empty());
  }
  // The list may come on several lines.
  const auto lines = raw_exchange(srv.port(), "GET /css/rodeknop.css HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"other\"\r\n"
                                              "If-None-Match: " + etag + "\r\nConnection: close\r\n\r\n");
  REQUIRE(lines.rfind("HTTP/1.1 304", 0) == 0);
  for (const std::string& tags : {std::string("\"other\""), std::string("\"x\", W/\"y\""), etag.substr(1, etag.size() - 2)}) {
    INFO(tags);
    const auto r = get(srv.port(), "/css/rodeknop.css", {{"If-None-Match", tags}});
    REQUIRE(r.status == 200);
    REQUIRE(r.body == css.body);
  }
}

TEST_CASE("Expect: 100-continue gets 100 Continue on HTTP/1.1 and is ignored on HTTP/1.0", "[http][continue]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto body = valid_report("Met Expect verstuurd").dump();
  const auto post = [&](const std::string& version) {
    return raw_exchange(srv.port(), "POST /api/v1/reports " + version + "\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  const auto http11 = post("HTTP/1.1");
  REQUIRE(http11.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201", 0) == 0);
  // RFC 9110 15.2: never a 1xx to an HTTP/1.0 client.
  const auto http10 = post("HTTP/1.0");
  REQUIRE(http10.rfind("HTTP/1.1 201", 0) == 0);
  REQUIRE(http10.find(" 100 ") == std::string::npos);
}

TEST_CASE("an invalid Host header is 400 and never makes a tracking link, a missing one only on HTTP/1.1",
          "[http][host]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto body = valid_report("Met een vreemde Host").dump();
  const auto create = [&](const std::string& version, const std::string& host_line) {
    return raw_exchange(srv.port(), "POST /api/v1/reports " + version + "\r\n" + host_line +
                                        "Content-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  for (const std::string host : {"[::1", "x:99999", "a b", "evil.com/<script>", "x:0", "x:", "x:8o", "[::1]x",
                                  "[fe80::1%25eth0]", "[zz::1]", "a@b", "", "x:80:80", "%zz"}) {
    INFO("Host: " << host);
    const auto answer = create("HTTP/1.1", "Host: " + host + "\r\n");
    REQUIRE(answer.rfind("HTTP/1.1 400", 0) == 0);
    const auto json = nlohmann::json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
    REQUIRE(json.at("error").at("code") == "bad_request");
    REQUIRE(answer.find("tracking_url") == std::string::npos);
  }
  const auto missing = create("HTTP/1.1", "");
  REQUIRE(missing.rfind("HTTP/1.1 400", 0) == 0);
  REQUIRE(missing.find("\"bad_request\"") != std::string::npos);
  // Valid names, addresses and ports are taken, and HTTP/1.0 may go without a Host.
  for (const std::string host : {"localhost:8080", "127.0.0.1", "[::1]:65535", "[::ffff:10.0.0.1]",
                                  "rodeknop.intranet.denhaag.nl", "xn--rd-knop-5za.nl:443"}) {
    INFO("Host: " << host);
    const auto answer = create("HTTP/1.1", "Host: " + host + "\r\n");
    REQUIRE(answer.rfind("HTTP/1.1 201", 0) == 0);
    const auto json = nlohmann::json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
    REQUIRE(json.at("tracking_url").get<std::string>().rfind("http://" + host + "/volg/", 0) == 0);
  }
  REQUIRE(create("HTTP/1.0", "").rfind("HTTP/1.1 201", 0) == 0);
  REQUIRE(raw_exchange(srv.port(), "GET /healthz HTTP/1.0\r\n\r\n").rfind("HTTP/1.1 200", 0) == 0);
  REQUIRE(create("HTTP/1.0", "Host: a b\r\n").rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("an absolute-form request target is served by its path and query", "[http][target]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto health = raw_exchange(srv.port(), "GET http://x/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(health.rfind("HTTP/1.1 200", 0) == 0);
  REQUIRE(health.find("{\"status\":\"ok\"}") != std::string::npos);
  REQUIRE(raw_exchange(srv.port(), "GET HTTPS://rodeknop.example:8443/css/rodeknop.css HTTP/1.1\r\nHost: x\r\n"
                                   "Connection: close\r\n\r\n")
              .rfind("HTTP/1.1 200", 0) == 0);
  REQUIRE(raw_exchange(srv.port(), "GET http://x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 200", 0) == 0);
  const auto body = valid_report("Met een absoluut adres").dump();
  const auto created = raw_exchange(srv.port(), "POST http://x/api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                                "application/json\r\nConnection: close\r\nContent-Length: " +
                                                    std::to_string(body.size()) + "\r\n\r\n" + body);
  REQUIRE(created.rfind("HTTP/1.1 201", 0) == 0);
  REQUIRE(created.find("\r\nLocation: /api/v1/reports/1\r\n") != std::string::npos);
  // Other schemes and user names in the address are not ours.
  for (const std::string target : {"ftp://x/healthz", "http://user@x/healthz", "http:///healthz"}) {
    INFO(target);
    REQUIRE(raw_exchange(srv.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .rfind("HTTP/1.1 400", 0) == 0);
  }
}

TEST_CASE("empty lines before a request line are skipped, also a stray CRLF after a body", "[http][keepalive]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const std::string health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto leading = raw_exchange(srv.port(), "\r\n" + health + "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(leading.rfind("HTTP/1.1 200", 0) == 0);
  REQUIRE(leading.find("HTTP/1.1 200", 5) != std::string::npos);
  REQUIRE(raw_exchange(srv.port(), "\n" + health).rfind("HTTP/1.1 200", 0) == 0);

  const auto body = valid_report("Met een losse regel erna").dump();
  const std::string post = "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body;
  // The CRLF that some clients add after a body, in the same write and on its own.
  const auto after = raw_exchange(srv.port(), post + "\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  REQUIRE(after.rfind("HTTP/1.1 201", 0) == 0);
  REQUIRE(after.find("HTTP/1.1 200", 5) != std::string::npos);
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), srv.port()});
  net::write(socket, net::buffer(post));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  net::write(socket, net::buffer(std::string("\r\n")));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  net::write(socket, net::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  const auto answer = read_until_closed(socket);
  REQUIRE(answer.rfind("HTTP/1.1 201", 0) == 0);
  REQUIRE(answer.find("HTTP/1.1 200", 5) != std::string::npos);
  // More than a few empty lines are not a request.
  REQUIRE(raw_exchange(srv.port(), std::string(40, '\n') + health).rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("every Connection and Cookie header line counts, not only the first", "[http][keepalive]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const std::string next = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto count = [](const std::string& answer) {
    std::size_t n = 0;
    for (auto at = answer.find("HTTP/1.1 200"); at != std::string::npos; at = answer.find("HTTP/1.1 200", at + 1)) ++n;
    return n;
  };
  // RFC 9112 9.6: after `close` the connection closes, on whichever line it came.
  const auto closed = raw_exchange(srv.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: foo\r\nConnection: close\r\n\r\n" + next);
  REQUIRE(count(closed) == 1);
  REQUIRE(closed.find("\r\nConnection: close\r\n") != std::string::npos);
  REQUIRE(count(raw_exchange(srv.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: foo, close\r\n\r\n" + next)) == 1);
  // HTTP/1.0 keeps the connection with keep-alive on a later line.
  const auto kept = raw_exchange(srv.port(), "GET /healthz HTTP/1.0\r\nConnection: foo\r\nConnection: keep-alive\r\n\r\n" +
                                                 std::string("GET /healthz HTTP/1.0\r\n\r\n"));
  REQUIRE(count(kept) == 2);
  REQUIRE(kept.find("\r\nConnection: keep-alive\r\n") != std::string::npos);

  // The session cookie in a second Cookie line (as a gateway from HTTP/2 may send it).
  const auto s = login(srv.port(), "anna");
  const auto two_lines = raw_exchange(srv.port(), "GET /api/v1/session HTTP/1.1\r\nHost: x\r\nCookie: theme=dark\r\nCookie: " +
                                                      s.cookie + "\r\nConnection: close\r\n\r\n");
  INFO(two_lines);
  REQUIRE(two_lines.rfind("HTTP/1.1 200", 0) == 0);
  REQUIRE(two_lines.find("\"username\":\"anna\"") != std::string::npos);
}

TEST_CASE("a method the server does not know is 501, a known one a resource does not take 405", "[http][routing]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  for (const std::string method : {"FOOBAR", "get", "PROPFIND", "BREW"}) {
    for (const std::string path : {"/healthz", "/api/v1/reports", "/bestaat-niet"}) {
      INFO(method << " " << path);
      const auto answer = raw_exchange(srv.port(), method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      REQUIRE(answer.rfind("HTTP/1.1 501 Not Implemented\r\n", 0) == 0);
      const auto json = nlohmann::json::parse(answer.substr(answer.find("\r\n\r\n") + 4));
      REQUIRE(json.at("error").at("code") == "not_implemented");
      REQUIRE(answer.find("\r\nAllow:") == std::string::npos);
    }
  }
  const auto wrong = raw_exchange(srv.port(), "PUT /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  REQUIRE(wrong.rfind("HTTP/1.1 405", 0) == 0);
  REQUIRE(wrong.find("\r\nAllow: GET, HEAD\r\n") != std::string::npos);
}
