// Decoding of request targets, query strings and HTML form bodies (the report form works
// without JavaScript, so its fields arrive as application/x-www-form-urlencoded).
#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "rodeknop/util/url.hpp"

namespace util = rodeknop::util;

namespace {

util::param_list params(std::initializer_list<std::pair<const char*, const char*>> list) {
  util::param_list out;
  for (const auto& [k, v] : list) out.emplace_back(k, v);
  return out;
}

}  // namespace

TEST_CASE("percent_decode decodes %XX escapes in either case", "[url][decode]") {
  CHECK(util::percent_decode("a%20b", false) == std::optional<std::string>{"a b"});
  CHECK(util::percent_decode("%41%62%63", false) == std::optional<std::string>{"Abc"});
  CHECK(util::percent_decode("%C3%AB", false) == std::optional<std::string>{"ë"});
  CHECK(util::percent_decode("%c3%ab", false) == std::optional<std::string>{"ë"});
  CHECK(util::percent_decode("100%25", false) == std::optional<std::string>{"100%"});
  CHECK(util::percent_decode("", false) == std::optional<std::string>{""});
  CHECK(util::percent_decode("plain", true) == std::optional<std::string>{"plain"});
}

TEST_CASE("percent_decode: plus is a space only in forms", "[url][decode]") {
  CHECK(util::percent_decode("een+twee", true) == std::optional<std::string>{"een twee"});
  CHECK(util::percent_decode("een+twee", false) == std::optional<std::string>{"een+twee"});
  // An encoded plus stays a plus in a form.
  CHECK(util::percent_decode("1%2B1", true) == std::optional<std::string>{"1+1"});
}

TEST_CASE("percent_decode refuses malformed escapes", "[url][decode]") {
  for (const char* bad : {"%4", "%", "abc%", "%zz", "%4g", "%g4", "a%2", "%%41", "%-1"}) {
    INFO(bad);
    CHECK_FALSE(util::percent_decode(bad, false).has_value());
    CHECK_FALSE(util::percent_decode(bad, true).has_value());
  }
}

TEST_CASE("parse_form splits name=value pairs in order", "[url][form]") {
  CHECK(util::parse_form("a=1&b=two") == std::optional{params({{"a", "1"}, {"b", "two"}})});
  CHECK(util::parse_form("") == std::optional{util::param_list{}});
  // Repeated names are kept in order; find_param gives the first.
  const auto repeated = util::parse_form("status=new&status=accepted");
  REQUIRE(repeated);
  CHECK(*repeated == params({{"status", "new"}, {"status", "accepted"}}));
  REQUIRE(util::find_param(*repeated, "status") != nullptr);
  CHECK(*util::find_param(*repeated, "status") == "new");
  CHECK(util::find_param(*repeated, "missing") == nullptr);
}

TEST_CASE("parse_form: empty parts are skipped, a missing '=' means an empty value", "[url][form]") {
  CHECK(util::parse_form("a=1&&b=2&") == std::optional{params({{"a", "1"}, {"b", "2"}})});
  CHECK(util::parse_form("&&") == std::optional{util::param_list{}});
  CHECK(util::parse_form("flag") == std::optional{params({{"flag", ""}})});
  CHECK(util::parse_form("a=&b") == std::optional{params({{"a", ""}, {"b", ""}})});
  // Only the first '=' separates.
  CHECK(util::parse_form("a=b=c") == std::optional{params({{"a", "b=c"}})});
}

TEST_CASE("parse_form decodes names and values as a browser encodes them", "[url][form]") {
  const auto form = util::parse_form(
      "title=Inschrijving+nieuwe+inwoner&reporter_name=Ren%C3%A9e+de+Vries&description=Regel+1%0D%0ARegel+2"
      "&reporter_email=a.b%2Bc%40sub.example.nl&caf%C3%A9=%C3%AB");
  REQUIRE(form);
  CHECK(*form == params({{"title", "Inschrijving nieuwe inwoner"},
                         {"reporter_name", "Renée de Vries"},
                         {"description", "Regel 1\r\nRegel 2"},
                         {"reporter_email", "a.b+c@sub.example.nl"},
                         {"café", "ë"}}));
}

TEST_CASE("parse_form refuses a body with a malformed escape anywhere", "[url][form]") {
  CHECK_FALSE(util::parse_form("a=1&b=%zz").has_value());
  CHECK_FALSE(util::parse_form("a%4=1").has_value());
  CHECK_FALSE(util::parse_form("title=100%").has_value());
}

TEST_CASE("parse_target splits path and query and decodes the path", "[url][target]") {
  SECTION("path with a query") {
    const auto t = util::parse_target("/api/v1/reports?status=new,accepted&limit=10&q=een+twee");
    REQUIRE(t);
    CHECK(t->path == "/api/v1/reports");
    CHECK(t->query == params({{"status", "new,accepted"}, {"limit", "10"}, {"q", "een twee"}}));
  }
  SECTION("a percent-encoded path is decoded; '+' in a path is a plus") {
    const auto t = util::parse_target("/volg/abc%20def/a+b");
    REQUIRE(t);
    CHECK(t->path == "/volg/abc def/a+b");
    CHECK(t->query.empty());
  }
  SECTION("the root, and an empty query") {
    const auto root = util::parse_target("/");
    REQUIRE(root);
    CHECK(root->path == "/");
    const auto empty_query = util::parse_target("/team?");
    REQUIRE(empty_query);
    CHECK(empty_query->path == "/team");
    CHECK(empty_query->query.empty());
  }
  SECTION("a '?' in the query belongs to the query") {
    const auto t = util::parse_target("/a?q=wat?");
    REQUIRE(t);
    CHECK(t->path == "/a");
    CHECK(t->query == params({{"q", "wat?"}}));
  }
}

TEST_CASE("parse_target refuses targets that are not origin-form, or malformed", "[url][target]") {
  for (const char* bad : {"", "http://x/", "https://intranet.denhaag.nl/", "*", "api/v1/reports", "x", "?a=1",
                          "/a%zz", "/a%4", "/a?x=%zz"}) {
    INFO("target: \"" << bad << "\"");
    CHECK_FALSE(util::parse_target(bad).has_value());
  }
}
