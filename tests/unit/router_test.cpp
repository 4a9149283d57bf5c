// The route table: 404 for an unknown path, 405 with Allow for a known path with another
// method, HEAD answered by GET, and path parameters.
#include <catch2/catch.hpp>

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "rodeknop/http/router.hpp"

namespace http = rodeknop::http;
using http::verb;

namespace {

// A handler that is never run: the tests only look at which route is found.
http::handler never_run() {
  return [](http::request_context&) -> boost::asio::awaitable<http::response> { co_return http::response{}; };
}

http::router reporter_routes() {
  http::router r;
  r.add(verb::get, "/", rodeknop::auth::access::anyone, never_run());
  r.add(verb::get, "/api/v1/meta", rodeknop::auth::access::anyone, never_run());
  r.add(verb::get, "/api/v1/reports", rodeknop::auth::access::anyone, never_run());
  r.add(verb::post, "/api/v1/reports", rodeknop::auth::access::anyone, never_run());
  r.add(verb::get, "/api/v1/reports/export", rodeknop::auth::access::anyone, never_run());
  r.add(verb::get, "/api/v1/reports/{id}", rodeknop::auth::access::anyone, never_run());
  r.add(verb::patch, "/api/v1/reports/{id}", rodeknop::auth::access::anyone, never_run());
  r.add(verb::post, "/api/v1/reports/{id}/comments", rodeknop::auth::access::anyone, never_run());
  r.add(verb::get, "/api/v1/track/{tracking_token}", rodeknop::auth::access::anyone, never_run());
  r.add(verb::post, "/api/v1/track/{tracking_token}/replies", rodeknop::auth::access::anyone, never_run());
  r.add(verb::get, "/api/v1/a/{x}/b/{y}", rodeknop::auth::access::anyone, never_run());
  return r;
}

bool has(const std::vector<verb>& list, verb v) { return std::find(list.begin(), list.end(), v) != list.end(); }

std::vector<std::string> names(std::vector<verb> list) {
  std::vector<std::string> out;
  for (const auto v : list) out.emplace_back(boost::beast::http::to_string(v));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("literal paths match their route", "[router]") {
  const auto r = reporter_routes();
  const auto m = r.find(verb::get, "/api/v1/meta");
  REQUIRE(m.found != nullptr);
  CHECK(m.found->pattern == "/api/v1/meta");
  CHECK(m.found->method == verb::get);
  CHECK(m.params.empty());

  const auto root = r.find(verb::get, "/");
  REQUIRE(root.found != nullptr);
  CHECK(root.found->pattern == "/");

  const auto post = r.find(verb::post, "/api/v1/reports");
  REQUIRE(post.found != nullptr);
  CHECK(post.found->method == verb::post);
  CHECK(post.found->pattern == "/api/v1/reports");
}

TEST_CASE("{param} segments match any non-empty segment and are extracted", "[router][params]") {
  const auto r = reporter_routes();
  const auto m = r.find(verb::get, "/api/v1/reports/42");
  REQUIRE(m.found != nullptr);
  CHECK(m.found->pattern == "/api/v1/reports/{id}");
  REQUIRE(m.params.count("id") == 1);
  CHECK(m.params.at("id") == "42");

  const auto two = r.find(verb::get, "/api/v1/a/een/b/twee");
  REQUIRE(two.found != nullptr);
  CHECK(two.params.size() == 2);
  CHECK(two.params.at("x") == "een");
  CHECK(two.params.at("y") == "twee");

  const auto reply = r.find(verb::post, "/api/v1/track/AbC-_123/replies");
  REQUIRE(reply.found != nullptr);
  CHECK(reply.found->pattern == "/api/v1/track/{tracking_token}/replies");
  CHECK(reply.params.at("tracking_token") == "AbC-_123");

  // The literal route registered for "export" is found for that path, not the {id} route.
  const auto literal = r.find(verb::get, "/api/v1/reports/export");
  REQUIRE(literal.found != nullptr);
  CHECK(literal.found->pattern == "/api/v1/reports/export");
  CHECK(literal.params.empty());
}

TEST_CASE("request_context::param gives a path parameter or empty", "[router][params]") {
  http::request req;
  http::request_context ctx{req, {}, {{"id", "7"}}, {}, std::nullopt};
  CHECK(ctx.param("id") == "7");
  CHECK(ctx.param("other").empty());
}

TEST_CASE("a known path with another method: no route, Allow lists the methods (405)", "[router][405]") {
  const auto r = reporter_routes();
  SECTION("DELETE on a report") {
    const auto m = r.find(verb::delete_, "/api/v1/reports/42");
    CHECK(m.found == nullptr);
    CHECK(names(m.allowed) == std::vector<std::string>{"GET", "HEAD", "PATCH"});
  }
  SECTION("PUT on the collection") {
    const auto m = r.find(verb::put, "/api/v1/reports");
    CHECK(m.found == nullptr);
    CHECK(names(m.allowed) == std::vector<std::string>{"GET", "HEAD", "POST"});
  }
  SECTION("GET on a POST-only path: no HEAD either") {
    const auto m = r.find(verb::get, "/api/v1/reports/42/comments");
    CHECK(m.found == nullptr);
    CHECK(names(m.allowed) == std::vector<std::string>{"POST"});
    CHECK_FALSE(has(m.allowed, verb::head));
  }
  SECTION("a successful match also reports the allowed methods") {
    const auto m = r.find(verb::get, "/api/v1/reports/42");
    REQUIRE(m.found != nullptr);
    CHECK(names(m.allowed) == std::vector<std::string>{"GET", "HEAD", "PATCH"});
  }
}

TEST_CASE("an unknown path: no route and nothing allowed (404)", "[router][404]") {
  const auto r = reporter_routes();
  for (const char* path : {"/nope", "/api/v1", "/api/v1/reports/42/comments/9", "/api/v2/reports", "", "api/v1/meta",
                           "/api/v1/track//replies", "/api/v1/reports//"}) {
    INFO("path: \"" << path << "\"");
    const auto m = r.find(verb::get, path);
    CHECK(m.found == nullptr);
    CHECK(m.allowed.empty());
  }
}

TEST_CASE("HEAD is answered by the GET route", "[router][head]") {
  const auto r = reporter_routes();
  const auto m = r.find(verb::head, "/api/v1/reports/42");
  REQUIRE(m.found != nullptr);
  CHECK(m.found->method == verb::get);
  CHECK(m.found->pattern == "/api/v1/reports/{id}");
  CHECK(m.params.at("id") == "42");
  // No HEAD where there is no GET.
  const auto post_only = r.find(verb::head, "/api/v1/track/abc/replies");
  CHECK(post_only.found == nullptr);
  CHECK(names(post_only.allowed) == std::vector<std::string>{"POST"});
}

TEST_CASE("a trailing slash does not match a pattern without one", "[router]") {
  const auto r = reporter_routes();
  for (const char* path : {"/api/v1/reports/", "/api/v1/meta/", "/api/v1/reports/42/"}) {
    INFO("path: " << path);
    const auto m = r.find(verb::get, path);
    CHECK(m.found == nullptr);
    CHECK(m.allowed.empty());
  }
}
