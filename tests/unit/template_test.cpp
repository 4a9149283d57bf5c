// Server-side HTML (PRODUCT.md: no stored text can run as script in any page): the Mustache
// subset of web/template.hpp, which has no unescaped output at all.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "rodeknop/web/template.hpp"

namespace web = rodeknop::web;
using nlohmann::json;

TEST_CASE("escape_html escapes the five HTML-significant characters", "[template][escape]") {
  CHECK(web::escape_html("&<>\"'") == "&amp;&lt;&gt;&quot;&#39;");
  CHECK(web::escape_html("Tom & Jerry <b>\"hoi\"</b> 'x'") ==
        "Tom &amp; Jerry &lt;b&gt;&quot;hoi&quot;&lt;/b&gt; &#39;x&#39;");
  CHECK(web::escape_html("gewone tekst, één € 🔴") == "gewone tekst, één € 🔴");
  CHECK(web::escape_html("") == "");
  // Already-escaped text is escaped again: data is text, never markup.
  CHECK(web::escape_html("&amp;") == "&amp;amp;");
}

TEST_CASE("{{x}} is always escaped", "[template][escape]") {
  const json data{{"x", "<script>alert(1)</script>"}};
  CHECK(web::render("<p>{{x}}</p>", data) == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
  CHECK(web::render("<p>{{ x }}</p>", data) == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
  // In a quoted attribute, the value cannot close the quote.
  const json attr{{"t", "\" onmouseover=\"alert(1)"}};
  CHECK(web::render("<a title=\"{{t}}\">", attr) == "<a title=\"&quot; onmouseover=&quot;alert(1)\">");
  const json single{{"t", "' onfocus='alert(1)"}};
  CHECK(web::render("<a title='{{t}}'>", single) == "<a title='&#39; onfocus=&#39;alert(1)'>");
}

TEST_CASE("values: strings, numbers, booleans, missing and null give nothing", "[template][values]") {
  const json data{{"s", "tekst"}, {"n", 42}, {"b", true}, {"z", nullptr}};
  CHECK(web::render("{{s}}|{{n}}|{{b}}|{{z}}|{{missing}}|", data) == "tekst|42|true|||");
  CHECK(web::render("geen tags", data) == "geen tags");
}

TEST_CASE("dotted names look into objects", "[template][values]") {
  const json data{{"report", {{"title", "A&B"}, {"meta", {{"ref", "RK-2026-00042"}}}}}};
  CHECK(web::render("{{report.title}} {{report.meta.ref}}", data) == "A&amp;B RK-2026-00042");
  CHECK(web::render("[{{report.missing}}][{{report.title.deeper}}][{{nothing.at.all}}]", data) == "[][][]");
  // A dotted name as a section, as the form template uses for field errors.
  const json err{{"error", {{"title", "Geef uw melding een korte titel."}}}};
  CHECK(web::render("{{#error.title}}<p>{{error.title}}</p>{{/error.title}}{{#error.procedure}}x{{/error.procedure}}",
                    err) == "<p>Geef uw melding een korte titel.</p>");
}

TEST_CASE("sections repeat over arrays", "[template][sections]") {
  SECTION("array of strings with {{.}}, each escaped") {
    const json data{{"items", {"a", "<b>"}}};
    CHECK(web::render("<ul>{{#items}}<li>{{.}}</li>{{/items}}</ul>", data) ==
          "<ul><li>a</li><li>&lt;b&gt;</li></ul>");
  }
  SECTION("array of objects; names not in the item come from the enclosing context") {
    const json data{{"suffix", "!"}, {"items", {{{"name", "een"}}, {{"name", "twee"}}}}};
    CHECK(web::render("{{#items}}{{name}}{{suffix}} {{/items}}", data) == "een! twee! ");
  }
  SECTION("an empty array renders nothing") {
    const json data{{"items", json::array()}};
    CHECK(web::render("[{{#items}}x{{/items}}]", data) == "[]");
  }
}

TEST_CASE("sections over truthy and falsy values", "[template][sections]") {
  const json data{{"yes", true}, {"no", false}, {"text", "x"}, {"empty", ""}, {"nothing", nullptr},
                  {"obj", {{"inner", "binnen"}}}, {"empty_obj", json::object()}};
  CHECK(web::render("{{#yes}}Y{{/yes}}", data) == "Y");
  CHECK(web::render("{{#no}}N{{/no}}", data) == "");
  CHECK(web::render("{{#text}}T{{/text}}", data) == "T");
  CHECK(web::render("{{#empty}}E{{/empty}}", data) == "");
  CHECK(web::render("{{#nothing}}0{{/nothing}}", data) == "");
  CHECK(web::render("{{#missing}}M{{/missing}}", data) == "");
  // An object becomes the context of its section.
  CHECK(web::render("{{#obj}}{{inner}}{{/obj}}", data) == "binnen");
}

TEST_CASE("inverted sections render for falsy, missing and empty values", "[template][sections]") {
  const json data{{"none", json::array()}, {"some", {1}}, {"no", false}, {"yes", true}};
  CHECK(web::render("{{^none}}Geen meldingen{{/none}}", data) == "Geen meldingen");
  CHECK(web::render("{{^missing}}Leeg{{/missing}}", data) == "Leeg");
  CHECK(web::render("{{^no}}Nee{{/no}}", data) == "Nee");
  CHECK(web::render("{{^some}}X{{/some}}", data) == "");
  CHECK(web::render("{{^yes}}X{{/yes}}", data) == "");
  CHECK(web::render("{{#some}}wel{{/some}}{{^some}}niet{{/some}}", data) == "wel");
}

TEST_CASE("nested sections of the same name are matched correctly", "[template][sections]") {
  CHECK(web::render("{{#a}}[{{#a}}binnen{{/a}}]{{/a}}", json{{"a", true}}) == "[binnen]");
  // The inner {{#a}} looks up `a` in the outer a's object, which is false.
  CHECK(web::render("{{#a}}[{{#a}}binnen{{/a}}{{x}}]{{/a}}", json{{"a", {{"a", false}, {"x", "1"}}}}) == "[1]");
  CHECK(web::render("{{#a}}<{{^a}}nooit{{/a}}>{{/a}}na", json{{"a", true}}) == "<>na");
}

TEST_CASE("partials are loaded through the loader and rendered with the same data", "[template][partials]") {
  std::vector<std::string> asked;
  const auto loader = [&asked](std::string_view name) -> std::string {
    asked.emplace_back(name);
    if (name == "header") return "<h1>{{title}}</h1>";
    if (name == "item") return "<li>{{.}}</li>";
    throw web::template_error("no partial " + std::string(name));
  };
  const json data{{"title", "<Rode Knop>"}, {"items", {"a", "b"}}};
  CHECK(web::render("<main>{{> header}}<ul>{{#items}}{{>item}}{{/items}}</ul></main>", data, loader) ==
        "<main><h1>&lt;Rode Knop&gt;</h1><ul><li>a</li><li>b</li></ul></main>");
  CHECK(asked == std::vector<std::string>{"header", "item", "item"});
  CHECK_THROWS_AS(web::render("{{> unknown}}", data, loader), web::template_error);
  // Without a loader a partial is an error, not silently empty.
  CHECK_THROWS_AS(web::render("{{> header}}", data), web::template_error);
}

TEST_CASE("a partial that includes itself is an error, not a crash", "[template][partials]") {
  const auto loader = [](std::string_view) -> std::string { return "x{{> self}}"; };
  CHECK_THROWS_AS(web::render("{{> self}}", json::object(), loader), web::template_error);
}

TEST_CASE("comments produce nothing", "[template]") {
  CHECK(web::render("a{{! dit is commentaar }}b", json::object()) == "ab");
  CHECK(web::render("a{{!}}b", json::object()) == "ab");
}

TEST_CASE("there is no unescaped output: {{{x}}} and {{&x}} are errors", "[template][escape]") {
  const json data{{"x", "<script>"}};
  CHECK_THROWS_AS(web::render("{{{x}}}", data), web::template_error);
  CHECK_THROWS_AS(web::render("{{&x}}", data), web::template_error);
  CHECK_THROWS_AS(web::render("{{& x}}", data), web::template_error);
  CHECK_THROWS_AS(web::render("{{#x}}{{{x}}}{{/x}}", data), web::template_error);
}

TEST_CASE("malformed templates throw template_error", "[template][errors]") {
  const json data{{"a", true}, {"x", "1"}};
  CHECK_THROWS_AS(web::render("{{#a}}nooit gesloten", data), web::template_error);
  CHECK_THROWS_AS(web::render("{{^a}}nooit gesloten", data), web::template_error);
  CHECK_THROWS_AS(web::render("{{#a}}{{#a}}{{/a}}", data), web::template_error);
  CHECK_THROWS_AS(web::render("{{#a}}x{{/b}}", data), web::template_error);
  CHECK_THROWS_AS(web::render("tekst {{/a}}", data), web::template_error);
  CHECK_THROWS_AS(web::render("{{x", data), web::template_error);
  CHECK_THROWS_AS(web::render("{{}}", data), web::template_error);
}
