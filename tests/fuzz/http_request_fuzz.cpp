// The HTTP request path up to the router, on raw bytes: what one connection's peer sends.
// Each request goes through the server's own parsing, limits and smuggling checks
// (http::parse_request, the code the server runs after each read), then what the application
// does first: the request target is decoded (util::parse_target) and looked up in a route
// table with the application's patterns (http::router). Pipelined requests are read one
// after the other from what is left, as on a keep-alive connection.
#include <set>

#include "fuzz_support.hpp"
#include "rodeknop/http/request_check.hpp"
#include "rodeknop/http/router.hpp"
#include "rodeknop/util/url.hpp"

namespace http = rodeknop::http;
namespace util = rodeknop::util;
using rodeknop::auth::access;

namespace {

// The route patterns of app.cpp and the modules it registers (handlers are not called here).
http::router make_routes() {
  http::router r;
  const http::handler none;
  struct entry {
    http::verb method;
    const char* pattern;
  };
  const entry routes[] = {
      {http::verb::get, "/"},
      {http::verb::get, "/volg/{token}"},
      {http::verb::post, "/volg/{token}"},
      {http::verb::get, "/login"},
      {http::verb::post, "/logout"},
      {http::verb::get, "/team"},
      {http::verb::get, "/team/reports/{id}"},
      {http::verb::get, "/stats"},
      {http::verb::get, "/healthz"},
      {http::verb::get, "/metrics"},
      {http::verb::get, "/api/v1/meta"},
      {http::verb::post, "/api/v1/reports"},
      {http::verb::get, "/api/v1/reports"},
      {http::verb::get, "/api/v1/reports/{id}"},
      {http::verb::patch, "/api/v1/reports/{id}"},
      {http::verb::post, "/api/v1/reports/{id}/comments"},
      {http::verb::get, "/api/v1/track/{tracking_token}"},
      {http::verb::post, "/api/v1/track/{tracking_token}/replies"},
      {http::verb::get, "/api/v1/session"},
      {http::verb::post, "/api/v1/session"},
      {http::verb::delete_, "/api/v1/session"},
      {http::verb::get, "/api/v1/triage/{week}"},
      {http::verb::get, "/api/v1/events"},
      {http::verb::get, "/api/v1/stats/monthly"},
  };
  for (const auto& e : routes) r.add(e.method, e.pattern, access::anyone, none);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const http::router routes = make_routes();
  static const http::request_limits limits{};  // the server's defaults: 8 KiB header, 64 KiB body
  auto bytes = fuzz_bytes(data, size);
  for (int n = 0; n < 32 && !bytes.empty(); ++n) {
    auto parsed = http::parse_request(bytes, limits);
    FUZZ_REQUIRE(parsed.consumed <= bytes.size());
    if (parsed.result == http::parsed_request::outcome::refused) {
      FUZZ_REQUIRE(parsed.error.has_value());
      const auto st = parsed.error->http_status;
      FUZZ_REQUIRE(st == http::status::bad_request || st == http::status::payload_too_large ||
                   st == http::status::request_header_fields_too_large);
      const auto res = http::error_response(*parsed.error);
      FUZZ_REQUIRE(res.result() == st);
      // What the access log and the metrics get of it (the server's own calls).
      FUZZ_REQUIRE(!std::string_view(boost::beast::http::to_string(parsed.req.method())).empty());
      break;  // the server answers and closes the connection
    }
    if (parsed.result == http::parsed_request::outcome::closed) break;

    // What the server lets through has unambiguous framing and fits the limits.
    const auto& req = parsed.req;
    FUZZ_REQUIRE(!(req.count(http::field::transfer_encoding) > 0 && req.count(http::field::content_length) > 0));
    FUZZ_REQUIRE(req.count(http::field::content_length) <= 1);
    FUZZ_REQUIRE(req.body().size() <= limits.body_limit);

    // application::handle: decode the target, then find the route.
    if (auto target = util::parse_target(req.target())) {
      FUZZ_REQUIRE(!target->path.empty() && target->path.front() == '/');
      const auto match = routes.find(req.method(), target->path);
      if (match.found) {
        for (const auto& segment : match.found->segments)
          if (segment.size() > 2 && segment.front() == '{') {
            const auto name = std::string_view(segment).substr(1, segment.size() - 2);
            const auto it = match.params.find(name);
            FUZZ_REQUIRE(it != match.params.end() && !it->second.empty());
            FUZZ_REQUIRE(it->second.find('/') == std::string::npos);
          }
      } else {
        // 405 lists what the path does allow, never the method asked for (HEAD goes to GET).
        for (auto v : match.allowed) FUZZ_REQUIRE(v != req.method());
      }
    }
    if (parsed.consumed == 0) break;
    bytes.remove_prefix(parsed.consumed);
  }
  return 0;
}
