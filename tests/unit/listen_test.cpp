// `--listen HOST:PORT` (CONTRACT.md): IP addresses, bracketed IPv6, host names this machine
// resolves, and a clear refusal of everything else.
#include <catch2/catch.hpp>

#include <boost/asio/ip/address.hpp>

#include <stdexcept>
#include <string>

#include "rodeknop/app.hpp"

using rodeknop::parse_listen;

TEST_CASE("the listen address is an IP address and a port", "[cli][listen]") {
  CHECK(parse_listen("127.0.0.1:8080") == std::pair<std::string, std::uint16_t>{"127.0.0.1", 8080});
  CHECK(parse_listen("0.0.0.0:0") == std::pair<std::string, std::uint16_t>{"0.0.0.0", 0});
  CHECK(parse_listen("[::1]:65535") == std::pair<std::string, std::uint16_t>{"::1", 65535});
}

TEST_CASE("the listen address may be a host name, bound to the address it resolves to", "[cli][listen]") {
  const auto [host, port] = parse_listen("localhost:8080");
  CHECK(port == 8080);
  CHECK(boost::asio::ip::make_address(host).is_loopback());
}

TEST_CASE("the listen address refuses what is not HOST:PORT with a message that says how", "[cli][listen]") {
  for (const char* bad : {"nonsense", ":8080", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80a", "127.0.0.1:-1",
                          "127.0.0.1:123456"}) {
    INFO(bad);
    try {
      parse_listen(bad);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("--listen") != std::string::npos);
    }
  }
}
