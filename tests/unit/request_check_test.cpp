// The server's request checks on raw bytes, without sockets (http::parse_request): limits,
// framing that could smuggle a request, pipelining, and request lines Beast cannot read.
#include <catch2/catch.hpp>

#include "rodeknop/http/request_check.hpp"

using namespace rodeknop;
using outcome = http::parsed_request::outcome;

namespace {

http::parsed_request parse(const std::string& bytes) { return http::parse_request(bytes, http::request_limits{}); }

unsigned refused_status(const std::string& bytes) {
  const auto r = parse(bytes);
  REQUIRE(r.result == outcome::refused);
  REQUIRE(r.error.has_value());
  return static_cast<unsigned>(r.error->http_status);
}

}  // namespace

TEST_CASE("a well-formed request passes, with its body", "[unit][http]") {
  const std::string body = R"({"title":"x"})";
  const std::string bytes = "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body;
  const auto r = parse(bytes);
  REQUIRE(r.result == outcome::complete);
  REQUIRE(r.req.method() == http::verb::post);
  REQUIRE(r.req.target() == "/api/v1/reports");
  REQUIRE(r.req.body() == body);
  REQUIRE(r.consumed == bytes.size());
}

TEST_CASE("pipelined requests are read one after the other", "[unit][http]") {
  const std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string two = "GET /api/v1/meta HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto first = parse(one + two);
  REQUIRE(first.result == outcome::complete);
  REQUIRE(first.consumed == one.size());
  const auto second = parse(two);
  REQUIRE(second.result == outcome::complete);
  REQUIRE(second.req.target() == "/api/v1/meta");
}

TEST_CASE("framing that could smuggle a request is refused with 400", "[unit][http][smuggling]") {
  const std::string head = "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\n";
  for (const std::string& framing :
       {std::string("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"), std::string("Transfer-Encoding: gzip, chunked\r\n"),
        std::string("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
        std::string("Transfer-Encoding: identity\r\n"), std::string("Content-Length: 5\r\nContent-Length: 6\r\n"),
        std::string("Content-Length: +5\r\n"), std::string("Content-Length: 5, 5\r\n")}) {
    INFO(framing);
    REQUIRE(refused_status(head + framing + "\r\n0\r\n\r\n") == 400);
  }
  REQUIRE(refused_status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
}

TEST_CASE("an HTTP/1.1 request needs exactly one Host header (400 otherwise) and HTTP/1.0 may have none",
          "[unit][http]") {
  REQUIRE(refused_status("GET /healthz HTTP/1.1\r\n\r\n") == 400);
  REQUIRE(refused_status("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
  REQUIRE(parse("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n").result == outcome::complete);
  REQUIRE(parse("GET /healthz HTTP/1.0\r\n\r\n").result == outcome::complete);
  REQUIRE(refused_status("GET /healthz HTTP/1.1\r\nHost: x:99999\r\n\r\n") == 400);
  REQUIRE(refused_status("GET /healthz HTTP/1.0\r\nHost: a b\r\n\r\n") == 400);
}

TEST_CASE("valid Host values: a reg-name, IPv4 or bracketed IPv6 with an optional port 1-65535", "[unit][http][host]") {
  using rodeknop::http::valid_host;
  for (const char* ok : {"x", "localhost:8080", "127.0.0.1", "[::1]", "[::1]:1", "[::ffff:10.0.0.1]:65535",
                         "rodeknop.intranet.denhaag.nl", "a_b~c%20d", "x:080"})
    CHECK(valid_host(ok));
  for (const char* bad : {"", "[::1", "::1", "[::1]x", "[::1]:", "[]", "[fe80::1%eth0]", "[v1.x]", "x:", "x:0",
                          "x:65536", "x:99999", "x:-1", "a b", "evil.com/<script>", "a@b", "x:80:80", "%zz", "%4"})
    CHECK_FALSE(valid_host(bad));
}

TEST_CASE("limits: 431 for headers, 413 for bodies, before the body is there", "[unit][http][limits]") {
  REQUIRE(refused_status("GET / HTTP/1.1\r\nX-Padding: " + std::string(9000, 'a') + "\r\n\r\n") == 431);
  REQUIRE(refused_status("POST / HTTP/1.1\r\nContent-Length: 10000000\r\n\r\n") == 413);
  REQUIRE(refused_status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20000\r\n" + std::string(70000, 'a')) == 413);
}

TEST_CASE("a peer that closes mid-request: 400 for half a header, nothing for half a body", "[unit][http]") {
  REQUIRE(parse("").result == outcome::closed);
  // Beast reports a header cut short by the end of the stream as a malformed request.
  REQUIRE(refused_status("GET /healthz HTTP/1.1\r\nHost:") == 400);
  REQUIRE(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc").result == outcome::closed);
}

TEST_CASE("a request line Beast cannot read is refused without throwing", "[unit][http]") {
  for (const std::string& bad : {std::string("\x01\x02 / HTTP/1.1\r\n\r\n"), std::string("GE\r\n\r\n"),
                                 std::string("FOO / HTTP/1.1\r\nContent-Length: x\r\n\r\n")}) {
    INFO(bad);
    const auto r = parse(bad);
    REQUIRE(r.result == outcome::refused);
    REQUIRE(r.req.method() == http::verb::unknown);  // refused_request did not throw
  }
  // A method Beast does not know, well-formed: it passes (the route table answers 404 or 405).
  REQUIRE(parse("FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n").result == outcome::complete);
}
