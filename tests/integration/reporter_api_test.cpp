// The reporter's endpoints of CONTRACT.md over real HTTP against the real server.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "harness.hpp"

using namespace rk_test;
using nlohmann::json;
namespace http = boost::beast::http;

TEST_CASE("a JSON report is created with a reference and a private tracking link", "[reporter][create]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto r = post_json(srv.port(), "/api/v1/reports", valid_report());
  INFO(r.body);
  REQUIRE(r.status == 201);
  const auto j = r.json();
  REQUIRE(j.at("id").is_number_integer());
  REQUIRE(r.header("location") == "/api/v1/reports/" + std::to_string(j.at("id").get<long>()));
  REQUIRE(std::regex_match(j.at("reference").get<std::string>(), std::regex(R"(RK-\d{4}-\d{5,})")));
  REQUIRE(j.at("status") == "new");
  const auto token = j.at("tracking_token").get<std::string>();
  REQUIRE(token.size() >= 22);  // at least 128 bits in base64url
  REQUIRE(j.at("tracking_url").get<std::string>().find("/volg/" + token) != std::string::npos);
  REQUIRE(std::regex_match(j.at("created_at").get<std::string>(),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

TEST_CASE("the tracking link is on the public address --base-url gives, in full", "[reporter][create]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"), {"--base-url", "https://rodeknop.example:8443/"});
  const auto j = post_json(srv.port(), "/api/v1/reports", valid_report()).json();
  CHECK(j.at("tracking_url") == "https://rodeknop.example:8443/volg/" + j.at("tracking_token").get<std::string>());
}

TEST_CASE("without --base-url the tracking link is on the Host the request named, an intranet name too",
          "[reporter][create]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  for (const std::string host : {"rode_knop.intranet:8080", "rodeknop.intranet", "[::1]:8080"}) {
    INFO(host);
    const auto j = post_json(srv.port(), "/api/v1/reports", valid_report(), {{"Host", host}}).json();
    CHECK(j.at("tracking_url") == "http://" + host + "/volg/" + j.at("tracking_token").get<std::string>());
  }
}

TEST_CASE("references count up per year and never repeat, tokens are all different", "[reporter][create]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  std::set<std::string> references, tokens;
  std::string year;
  for (int i = 1; i <= 12; ++i) {
    const auto j = post_json(srv.port(), "/api/v1/reports", valid_report("Melding " + std::to_string(i))).json();
    const auto ref = j.at("reference").get<std::string>();
    year = ref.substr(3, 4);
    char expected[32];
    std::snprintf(expected, sizeof expected, "RK-%s-%05d", year.c_str(), i);
    REQUIRE(ref == expected);
    references.insert(ref);
    tokens.insert(j.at("tracking_token").get<std::string>());
  }
  REQUIRE(references.size() == 12);
  REQUIRE(tokens.size() == 12);
}

TEST_CASE("the tracking view shows the reporter's own report and nothing about identity", "[reporter][track]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto created = post_json(srv.port(), "/api/v1/reports", valid_report("Parkeervergunning <b>vet</b>")).json();
  const auto token = created.at("tracking_token").get<std::string>();

  const auto r = get(srv.port(), "/api/v1/track/" + token);
  REQUIRE(r.status == 200);
  const auto j = r.json();
  REQUIRE(j.at("reference") == created.at("reference"));
  REQUIRE(j.at("title") == "Parkeervergunning <b>vet</b>");
  REQUIRE(j.at("status") == "new");
  REQUIRE(j.at("created_at") == created.at("created_at"));
  REQUIRE(j.at("updated_at").is_string());
  REQUIRE(j.at("messages").is_array());
  REQUIRE(j.at("messages").empty());
  REQUIRE(r.body.find("Fatima") == std::string::npos);
  REQUIRE(r.body.find("denhaag.nl") == std::string::npos);
  REQUIRE_FALSE(j.contains("id"));

  require_error(get(srv.port(), "/api/v1/track/" + std::string(43, 'A')), 404, "not_found");
  require_error(get(srv.port(), "/api/v1/track/" + std::string(40, 'A')), 404, "not_found");
  require_error(get(srv.port(), "/api/v1/track/" + token.substr(0, 39) + (token[39] == 'A' ? "B" : "A")), 404,
                      "not_found");
  require_error(get(srv.port(), "/api/v1/track/short"), 404, "not_found");
}

TEST_CASE("a reporter's reply is stored and shown in the tracking view", "[reporter][reply]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto token = post_json(srv.port(), "/api/v1/reports", valid_report()).json().at("tracking_token").get<std::string>();

  const auto r = post_json(srv.port(), "/api/v1/track/" + token + "/replies", {{"body", "Nog een voorbeeld: vorige week."}});
  INFO(r.body);
  REQUIRE(r.status == 201);
  REQUIRE(r.json().at("status") == "new");

  const auto view = get(srv.port(), "/api/v1/track/" + token).json();
  REQUIRE(view.at("messages").size() == 1);
  REQUIRE(view.at("messages")[0].at("body") == "Nog een voorbeeld: vorige week.");
  REQUIRE(view.at("messages")[0].at("author") == "reporter");

  require_error(post_json(srv.port(), "/api/v1/track/" + token + "/replies", {{"body", "   "}}), 422,
                      "validation_failed");
  require_error(post_json(srv.port(), "/api/v1/track/" + token + "/replies", {{"body", 5}}), 400, "wrong_type");
  require_error(post_json(srv.port(), "/api/v1/track/" + token + "/replies", {{"body", "x"}, {"status", "new"}}),
                      400, "unknown_field");
  require_error(post_json(srv.port(), "/api/v1/track/" + std::string(43, 'B') + "/replies", {{"body", "x"}}),
                      404, "not_found");
  REQUIRE(get(srv.port(), "/api/v1/track/" + token).json().at("messages").size() == 1);
}

TEST_CASE("bad report bodies get the contract's error statuses and name the fields", "[reporter][errors]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto port = srv.port();

  SECTION("not JSON is 400") {
    require_error(request(port, http::verb::post, "/api/v1/reports", "{nope", {{"Content-Type", "application/json"}}),
                        400, "invalid_json");
  }
  SECTION("not an object is 400") {
    require_error(post_json(port, "/api/v1/reports", json::array({1, 2})), 400, "invalid_json");
  }
  SECTION("a field of the wrong type is 400 and named") {
    auto body = valid_report();
    body["title"] = 42;
    const auto r = post_json(port, "/api/v1/reports", body);
    require_error(r, 400, "wrong_type");
    REQUIRE(r.json()["error"]["fields"].contains("title"));
  }
  SECTION("an unknown field is 400 (no mass assignment)") {
    auto body = valid_report();
    body["status"] = "resolved";
    const auto r = post_json(port, "/api/v1/reports", body);
    require_error(r, 400, "unknown_field");
    REQUIRE(r.json()["error"]["fields"].contains("status"));
  }
  SECTION("a field named twice is 400 and named, also inside the JSON") {
    auto body = valid_report("EERSTE").dump();
    body.insert(body.size() - 1, ",\"title\":\"TWEEDE\"");
    const auto r = request(port, http::verb::post, "/api/v1/reports", body, {{"Content-Type", "application/json"}});
    require_error(r, 400, "duplicate_field");
    CHECK(r.json()["error"]["fields"].contains("title"));
    // The same name in two different objects is no duplicate (nested objects are refused for their type).
    CHECK(request(port, http::verb::post, "/api/v1/reports", valid_report("Eens").dump(),
                  {{"Content-Type", "application/json"}})
              .status == 201);
  }
  SECTION("a compressed body is 415") {
    require_error(request(port, http::verb::post, "/api/v1/reports", valid_report().dump(),
                          {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}}),
                  415, "unsupported_media_type");
  }
  SECTION("missing required fields are 422, each named") {
    const auto r = post_json(port, "/api/v1/reports", json::object());
    require_error(r, 422, "validation_failed");
    const auto fields = r.json()["error"]["fields"];
    for (const char* f : {"title", "procedure", "description", "department", "category"}) REQUIRE(fields.contains(f));
    REQUIRE_FALSE(fields.contains("impact"));
  }
  SECTION("empty and whitespace-only required fields are 422") {
    auto body = valid_report();
    body["title"] = "   ";
    body["description"] = "";
    const auto r = post_json(port, "/api/v1/reports", body);
    require_error(r, 422, "validation_failed");
    REQUIRE(r.json()["error"]["fields"].contains("title"));
    REQUIRE(r.json()["error"]["fields"].contains("description"));
  }
  SECTION("too long is 422; the limit counts characters, not bytes") {
    auto body = valid_report();
    std::string title;
    for (int i = 0; i < 200; ++i) title += "é";
    body["title"] = title;
    REQUIRE(post_json(port, "/api/v1/reports", body).status == 201);
    body["title"] = title + "x";
    const auto r = post_json(port, "/api/v1/reports", body);
    require_error(r, 422, "validation_failed");
    REQUIRE(r.json()["error"]["fields"].contains("title"));
    body = valid_report();
    body["description"] = std::string(10001, 'a');
    REQUIRE(post_json(port, "/api/v1/reports", body).json()["error"]["fields"].contains("description"));
  }
  SECTION("a bad e-mail address is 422") {
    auto body = valid_report();
    body["reporter_email"] = "niet-een-adres@";
    const auto r = post_json(port, "/api/v1/reports", body);
    require_error(r, 422, "validation_failed");
    REQUIRE(r.json()["error"]["fields"].contains("reporter_email"));
  }
  SECTION("unknown department or category keys are 422") {
    auto body = valid_report();
    body["department"] = "dienst_bestaat_niet";
    body["category"] = "Anders";
    const auto r = post_json(port, "/api/v1/reports", body);
    require_error(r, 422, "validation_failed");
    REQUIRE(r.json()["error"]["fields"].contains("department"));
    REQUIRE(r.json()["error"]["fields"].contains("category"));
  }
  SECTION("an anonymous report (no name, no e-mail) is fine") {
    auto body = valid_report();
    body.erase("reporter_name");
    body["reporter_email"] = nullptr;
    REQUIRE(post_json(port, "/api/v1/reports", body).status == 201);
  }
  SECTION("a wrong media type is 415") {
    require_error(request(port, http::verb::post, "/api/v1/reports", valid_report().dump(),
                                {{"Content-Type", "text/plain"}}),
                        415, "unsupported_media_type");
  }
  SECTION("a charset other than UTF-8 is 415; utf-8 in any spelling is fine") {
    require_error(request(port, http::verb::post, "/api/v1/reports", valid_report().dump(),
                          {{"Content-Type", "application/json; charset=iso-8859-1"}}),
                  415, "unsupported_media_type");
    for (const char* ct : {"application/json; charset=utf-8", "application/json;charset=\"UTF-8\"",
                           "Application/JSON; Charset=utf8"}) {
      INFO(ct);
      CHECK(request(port, http::verb::post, "/api/v1/reports", valid_report().dump(), {{"Content-Type", ct}}).status ==
            201);
    }
  }
  SECTION("a body over 64 KiB is 413, naming the field over its limit") {
    auto body = valid_report();
    body["description"] = std::string(70 * 1024, 'a');
    const auto r = post_json(port, "/api/v1/reports", body);
    require_error(r, 413, "body_too_large");
    CHECK(r.json().at("error").at("fields").contains("description"));
    CHECK(r.json().at("error").at("message") == "the report's text exceeds 65536 bytes");
    body["description"] = std::string(260 * 1024, 'a');
    const auto huge = post_json(port, "/api/v1/reports", body);
    require_error(huge, 413, "body_too_large");
    CHECK(huge.json().at("error").at("message") == "request body exceeds 262144 bytes");  // the limit that applied
  }
  // Nothing of the refused requests was stored.
  const auto health = get(port, "/healthz");
  REQUIRE(health.status == 200);
}

TEST_CASE("the 64 KiB limit holds for what a report says: its escapes in JSON or a form do not count",
          "[reporter][errors][limits]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto port = srv.port();
  // 10,000 emoji in the description (the limit) escaped as \ud83d\ude00, as Python's json.dumps
  // and many clients send them: 120 KB of JSON, 40 KB of text.
  std::string emoji;
  for (int i = 0; i < 10000; ++i) emoji += "\xF0\x9F\x98\x80";
  auto report = valid_report("Tienduizend emoji");
  report["description"] = emoji;
  const auto escaped = report.dump(-1, ' ', /*ensure_ascii=*/true);
  REQUIRE(escaped.size() > 120000);
  const auto created = request(port, http::verb::post, "/api/v1/reports", escaped, {{"Content-Type", "application/json"}});
  REQUIRE(created.status == 201);
  // One more character is too long: 422 for the field, as with any other length.
  report["description"] = emoji + "\xF0\x9F\x98\x80";
  const auto longer = request(port, http::verb::post, "/api/v1/reports", report.dump(-1, ' ', true),
                              {{"Content-Type", "application/json"}});
  require_error(longer, 422, "validation_failed");
  CHECK(longer.json().at("error").at("fields").contains("description"));

  // The same as a form: %F0%9F%98%80 per character.
  std::string encoded;
  for (int i = 0; i < 10000; ++i) encoded += "%F0%9F%98%80";
  const auto form = post_form(port, "/api/v1/reports",
                              "title=Emoji+als+formulier&procedure=Formulier&description=" + encoded +
                                  "&department=dpz&category=interne_werkwijze");
  CHECK(form.status == 303);

  // Beyond 64 KiB of text it is 413, escaped or not, naming the fields over their limit. A report
  // within every field's limit is taken, even one nearly all in 4-byte characters (83 KB of text).
  const auto emoji_of = [&](std::size_t n) { return emoji.substr(0, 4 * n); };
  report["description"] = std::string(6000, 'a');
  report["impact"] = emoji_of(5000);
  report["suggestion"] = std::string(15000, 'b');
  report["title"] = std::string(40000, 'c');
  const auto over = request(port, http::verb::post, "/api/v1/reports", report.dump(-1, ' ', true),
                            {{"Content-Type", "application/json"}});
  require_error(over, 413, "body_too_large");
  CHECK(over.json().at("error").at("fields").contains("suggestion"));
  CHECK(over.json().at("error").at("fields").contains("title"));
  CHECK_FALSE(over.json().at("error").at("fields").contains("impact"));
  auto full = valid_report();
  full["description"] = emoji_of(10000);
  full["impact"] = emoji_of(5000);
  full["suggestion"] = emoji_of(5000);
  full["title"] = emoji_of(200);
  const auto all_emoji = post_json(port, "/api/v1/reports", full);
  REQUIRE(all_emoji.status == 201);
  const auto stored = get(port, "/api/v1/track/" + all_emoji.json().at("tracking_token").get<std::string>());
  CHECK(stored.json().at("title") == emoji_of(200));
  // Anything not a report beyond 64 KiB stays 413, and so does any body over 256 KiB.
  require_error(request(port, http::verb::post, "/api/v1/reports", std::string(100 * 1024, 'x'),
                        {{"Content-Type", "text/plain"}}),
                413, "body_too_large");
  require_error(request(port, http::verb::post, "/api/v1/reports", "{" + std::string(100 * 1024, ' ') + "[}",
                        {{"Content-Type", "application/json"}}),
                413, "body_too_large");
  require_error(request(port, http::verb::post, "/api/v1/reports", std::string(300 * 1024, ' '),
                        {{"Content-Type", "application/json"}}),
                413, "body_too_large");
  const auto token = created.json().at("tracking_token").get<std::string>();
  // Other endpoints keep the plain limit.
  require_error(post_json(port, "/api/v1/track/" + token + "/replies", {{"body", std::string(70 * 1024, 'a')}}), 413,
                "body_too_large");
}

TEST_CASE("the HTML form posts without JavaScript and lands on the confirmation", "[reporter][form]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const std::string form =
      "title=Dubbele+controle&procedure=Werkinstructie+intake&description=Twee+keer+dezelfde+controle.%0D%0AEcht."
      "&impact=&suggestion=&department=dpz&category=interne_werkwijze&reporter_name=&reporter_email=";
  const auto r = post_form(srv.port(), "/api/v1/reports", form);
  REQUIRE(r.status == 303);
  const auto location = r.header("location");
  REQUIRE(std::regex_match(location, std::regex(R"(/volg/[A-Za-z0-9_-]{40}\?ontvangen=1)")));

  const auto page = get(srv.port(), location);
  REQUIRE(page.status == 200);
  REQUIRE(page.header("content-type") == "text/html; charset=utf-8");
  REQUIRE(page.body.find("RK-") != std::string::npos);
  REQUIRE(page.body.find("Dubbele controle") != std::string::npos);
  const auto token = location.substr(6, 40);
  REQUIRE(page.body.find("/volg/" + token) != std::string::npos);
}

TEST_CASE("the same form sent twice (a double click without JavaScript) makes one report", "[reporter][form]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto triager = create_token(db, "team", "triager");
  server_process srv(db);
  const auto port = srv.port();
  const auto form_key = [&](const std::string& page) {
    std::smatch m;
    REQUIRE(std::regex_search(page, m, std::regex(R"re(name="formulier" value="([A-Za-z0-9_-]{22})")re")));
    return m[1].str();
  };
  const auto count = [&] {
    return get(port, "/api/v1/reports?status=&limit=200", bearer(triager)).json().at("items").size();
  };
  const std::string text =
      "title=Dubbel+verstuurd&procedure=Werkinstructie&description=Twee+keer+geklikt.&department=dpz"
      "&category=interne_werkwijze";
  const auto key = form_key(get(port, "/").body);
  CHECK(form_key(get(port, "/").body) != key);  // every form page its own key

  const auto first = post_form(port, "/api/v1/reports", text + "&formulier=" + key);
  const auto second = post_form(port, "/api/v1/reports", text + "&formulier=" + key);
  REQUIRE(first.status == 303);
  REQUIRE(second.status == 303);
  CHECK(second.header("location") == first.header("location"));  // the same tracking link
  CHECK(count() == 1);

  // The same key with other text (a form page a proxy served to two people) is a report of its own.
  const auto other = post_form(port, "/api/v1/reports", "impact=Anders.&" + text + "&formulier=" + key);
  REQUIRE(other.status == 303);
  CHECK(other.header("location") != first.header("location"));
  CHECK(count() == 2);
  // Without a key (or with a made-up one) every form is a report, as before.
  CHECK(post_form(port, "/api/v1/reports", text).status == 303);
  CHECK(post_form(port, "/api/v1/reports", text + "&formulier=kort").status == 303);
  CHECK(count() == 4);

  // A refused form keeps its key, so the corrected form sent twice is one report as well.
  const auto fresh = form_key(get(port, "/").body);
  const auto refused = post_form(port, "/api/v1/reports", "title=&procedure=P&formulier=" + fresh);
  REQUIRE(refused.status == 422);
  CHECK(form_key(refused.body) == fresh);
  const auto corrected = post_form(port, "/api/v1/reports", text + "&formulier=" + fresh);
  CHECK(post_form(port, "/api/v1/reports", text + "&formulier=" + fresh).header("location") ==
        corrected.header("location"));
  CHECK(count() == 5);
}

TEST_CASE("an invalid form gives a Dutch page that names each problem", "[reporter][form]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto r = post_form(srv.port(), "/api/v1/reports", "title=&procedure=&description=&department=&category=&reporter_email=x%40");
  REQUIRE(r.status == 422);
  REQUIRE(r.header("content-type") == "text/html; charset=utf-8");
  REQUIRE(r.body.find("lang=\"nl\"") != std::string::npos);
  REQUIRE(r.body.find("Geef uw melding een korte titel.") != std::string::npos);
  REQUIRE(r.body.find("Kies uw dienst.") != std::string::npos);
  REQUIRE(r.body.find("Kies een categorie.") != std::string::npos);
  REQUIRE(r.body.find("geldig e-mailadres") != std::string::npos);

  // A long e-mail pasted into "Wat gaat er mis?" (70,000 characters, over 64 KiB): 413, as the
  // same Dutch page with the field's limit and the text kept, not a JSON error.
  const auto pasted = post_form(srv.port(), "/api/v1/reports",
                                "title=Lange+mail&procedure=P&description=" + std::string(70000, 'm') +
                                    "&department=dpz&category=anders");
  REQUIRE(pasted.status == 413);
  REQUIRE(pasted.header("content-type") == "text/html; charset=utf-8");
  CHECK(pasted.body.find("maximaal 10.000 tekens") != std::string::npos);
  CHECK(pasted.body.find("value=\"Lange mail\"") != std::string::npos);
}

TEST_CASE("typed text is shown as text, never as markup", "[reporter][form][security]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const std::string evil = "<script>alert(1)</script>";
  auto body = valid_report(evil);
  const auto token = post_json(srv.port(), "/api/v1/reports", body).json().at("tracking_token").get<std::string>();
  REQUIRE(post_json(srv.port(), "/api/v1/track/" + token + "/replies", {{"body", "<img src=x onerror=alert(2)>"}}).status == 201);
  const auto page = get(srv.port(), "/volg/" + token);
  REQUIRE(page.status == 200);
  REQUIRE(page.body.find(evil) == std::string::npos);
  REQUIRE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  REQUIRE(page.body.find("<img src=x") == std::string::npos);

  // Refilled form values on a validation error are escaped too.
  const auto form = post_form(srv.port(), "/api/v1/reports", "title=%22%3E%3Cscript%3Ealert(3)%3C%2Fscript%3E&procedure=");
  REQUIRE(form.status == 422);
  REQUIRE(form.body.find("<script>alert(3)") == std::string::npos);
}

TEST_CASE("the tracking page has a reply box that works without JavaScript", "[reporter][form]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto token = post_json(srv.port(), "/api/v1/reports", valid_report()).json().at("tracking_token").get<std::string>();
  const auto page = get(srv.port(), "/volg/" + token);
  REQUIRE(page.body.find("action=\"/api/v1/track/" + token + "/replies\"") != std::string::npos);

  const auto r = post_form(srv.port(), "/api/v1/track/" + token + "/replies", "body=Aanvulling+zonder+script");
  REQUIRE(r.status == 303);
  REQUIRE(r.header("location") == "/volg/" + token + "?reactie=verzonden");
  const auto after = get(srv.port(), r.header("location")).body;
  REQUIRE(after.find("Aanvulling zonder script") != std::string::npos);
  CHECK(after.find("<title>Aanvulling verzonden: RK-") != std::string::npos);  // what a screen reader reads first

  const auto empty = post_form(srv.port(), "/api/v1/track/" + token + "/replies", "body=");
  REQUIRE(empty.status == 422);
  REQUIRE(empty.body.find("Schrijf uw aanvulling.") != std::string::npos);

  const auto unknown = get(srv.port(), "/volg/" + std::string(43, 'x'), {{"Accept", "text/html"}});
  REQUIRE(unknown.status == 404);
  REQUIRE(unknown.body.find("Melding niet gevonden") != std::string::npos);
}

TEST_CASE("a bookmarked confirmation address shows the report as it is now, not 'received' again", "[reporter][form]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto triager = create_token(db, "team", "triager");
  server_process srv(db);
  const auto port = srv.port();
  const auto created = post_form(port, "/api/v1/reports",
                                 "title=Bewaarde+link&procedure=P&description=D&department=dpz&category=anders");
  REQUIRE(created.status == 303);
  const auto confirmation = created.header("location");
  const auto token = confirmation.substr(6, 40);
  REQUIRE(get(port, confirmation).body.find("Uw melding is ontvangen") != std::string::npos);

  const auto reply = post_form(port, "/api/v1/track/" + token + "/replies", "body=Nog+een+detail");
  REQUIRE(reply.status == 303);
  REQUIRE(get(port, reply.header("location")).body.find("Uw aanvulling is verzonden") != std::string::npos);

  // The team decides; weeks later the reporter opens the address the browser bookmarked.
  const auto id = std::to_string(get(port, "/api/v1/reports?limit=1", bearer(triager)).json().at("items")[0].at("id").get<long>());
  auto h = bearer(triager);
  h.emplace_back("Content-Type", "application/json");
  h.emplace_back("If-Match", get(port, "/api/v1/reports/" + id, bearer(triager)).header("etag"));
  REQUIRE(request(port, http::verb::patch, "/api/v1/reports/" + id, R"({"status":"rejected","note":"Geen regel van ons."})", h)
              .status == 200);
  const auto later = get(port, confirmation).body;
  CHECK(later.find("Uw melding is ontvangen") == std::string::npos);
  CHECK(later.find("<title>Melding ontvangen") == std::string::npos);
  CHECK(later.find("Afgewezen") != std::string::npos);
  CHECK(later.find("Geen regel van ons.") != std::string::npos);
  // The team's answer came after the reply: "verzonden" is old news too.
  CHECK(get(port, reply.header("location")).body.find("Uw aanvulling is verzonden") == std::string::npos);
}

TEST_CASE("the reporter's 'last updated' counts only what the reporter can see", "[reporter][track]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto triager = create_token(db, "team", "triager");
  server_process srv(db);
  const auto port = srv.port();
  const auto created = post_json(port, "/api/v1/reports", valid_report());
  const auto token = created.json().at("tracking_token").get<std::string>();
  const auto id = std::to_string(created.json().at("id").get<long>());
  const auto updated = [&] { return get(port, "/api/v1/track/" + token).json().at("updated_at").get<std::string>(); };
  const auto first = updated();
  CHECK(first == created.json().at("created_at").get<std::string>());

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // times are in whole seconds
  auto h = bearer(triager);
  h.emplace_back("Content-Type", "application/json");
  REQUIRE(request(port, http::verb::post, "/api/v1/reports/" + id + "/comments",
                  R"({"body":"Alleen voor het team","visibility":"internal"})", h).status == 201);
  auto patch = h;
  patch.emplace_back("If-Match", get(port, "/api/v1/reports/" + id, bearer(triager)).header("etag"));
  REQUIRE(request(port, http::verb::patch, "/api/v1/reports/" + id, R"({"assignee":"tina","priority":"high"})", patch)
              .status == 200);
  CHECK(updated() == first);  // the team's own work tells the reporter nothing
  REQUIRE(request(port, http::verb::post, "/api/v1/reports/" + id + "/comments",
                  R"({"body":"We kijken ernaar","visibility":"reporter"})", h).status == 201);
  CHECK(updated() > first);
}

TEST_CASE("a reply too long for the limit comes back as the page with the text, and a link with a full stop still leads",
          "[reporter][form]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto port = srv.port();
  const auto token = post_json(port, "/api/v1/reports", valid_report()).json().at("tracking_token").get<std::string>();

  // A long e-mail pasted into the reply box without JavaScript (over 64 KiB): the tracking page in
  // Dutch with the limit and the text, not a bare JSON 413.
  const std::string pasted(70000, 'e');
  const auto r = post_form(port, "/api/v1/track/" + token + "/replies", "body=" + pasted);
  REQUIRE(r.header("content-type") == "text/html; charset=utf-8");
  CHECK(r.status == 422);
  CHECK(r.body.find("maximaal 5.000 tekens") != std::string::npos);
  CHECK(r.body.find(pasted) != std::string::npos);
  // JSON keeps the 64 KiB limit.
  const auto json_reply = post_json(port, "/api/v1/track/" + token + "/replies", {{"body", pasted}});
  require_error(json_reply, 413, "body_too_large");
  CHECK(get(port, "/api/v1/track/" + token).json().at("messages").empty());

  // Beyond even what an escaped text may take (a log file pasted in), a browser's form gets a
  // Dutch page that says what to do, for a report and for a reply; JSON clients the JSON error.
  const std::string log_file(300 * 1024, 'l');
  const auto report_form = post_form(port, "/api/v1/reports", "title=T&procedure=P&department=dpz&category=anders"
                                                              "&description=" + log_file);
  CHECK(report_form.status == 413);
  CHECK(report_form.header("content-type") == "text/html; charset=utf-8");
  CHECK(report_form.body.find("Uw melding is te lang") != std::string::npos);
  CHECK(report_form.body.find("knop Vorige") != std::string::npos);
  const auto reply_form = post_form(port, "/api/v1/track/" + token + "/replies", "body=" + log_file);
  CHECK(reply_form.status == 413);
  CHECK(reply_form.body.find("Uw aanvulling is te lang") != std::string::npos);
  require_error(post_json(port, "/api/v1/reports", {{"description", log_file}}), 413, "body_too_large");
  CHECK(get(port, "/api/v1/track/" + token).json().at("messages").empty());

  // A page asked for with a method it does not take: Dutch too, with Allow; the API keeps JSON.
  const auto put_page = request(port, http::verb::put, "/", "", {{"Accept", "text/html"}});
  CHECK(put_page.status == 405);
  CHECK(put_page.header("allow") == "GET, HEAD");
  CHECK(put_page.body.find("Dit kan op deze pagina niet") != std::string::npos);
  require_error(request(port, http::verb::put, "/", "", {}), 405, "method_not_allowed");

  // A mail program took the full stop after the link into it.
  for (const std::string tail : {".", ").", ","}) {
    const auto moved = get(port, "/volg/" + token + tail);
    INFO(tail);
    CHECK(moved.status == 301);
    CHECK(moved.header("location") == "/volg/" + token);
  }
  CHECK(get(port, "/volg/" + token.substr(0, 39) + ".", {{"Accept", "text/html"}}).status == 404);
}

TEST_CASE("meta lists the departments and categories from the database and the workflow", "[meta]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto r = get(srv.port(), "/api/v1/meta");
  REQUIRE(r.status == 200);
  const auto j = r.json();
  REQUIRE(j.at("departments").size() == 6);
  REQUIRE(j.at("departments")[0] == json({{"key", "bsd"}, {"label", "Bestuursdienst"}}));
  REQUIRE(j.at("departments")[5].at("label") == "Dienst Onderwijs, Cultuur en Welzijn");
  REQUIRE(j.at("categories").size() == 7);
  REQUIRE(j.at("categories")[6].at("label") == "Anders");
  REQUIRE(j.at("statuses") == json::array({"new", "needs_info", "accepted", "in_progress", "resolved", "wont_fix",
                                           "rejected", "duplicate"}));
  REQUIRE(j.at("priorities") == json::array({"low", "normal", "high", "urgent"}));
  REQUIRE(j.at("outcomes").size() == 6);
  REQUIRE(j.at("transitions").at("new") == json::array({"accepted", "rejected", "duplicate", "needs_info"}));
  REQUIRE(j.at("transitions").at("needs_info") == json::array({"new"}));
  REQUIRE(j.at("transitions").at("resolved") == json::array({"accepted"}));
  // The field limits of the contract, for forms that check before they send.
  CHECK(j.at("limits").at("description") == 10000);
  CHECK(j.at("limits").at("reporter_email") == 254);
  CHECK(j.at("reply_limits").at("body") == 5000);
  // And the team's: the longest decision note, assignee and comment the PATCH and comments take.
  CHECK(j.at("team_limits") == json{{"note", 5000}, {"assignee", 100}, {"comment", 5000}});
}

TEST_CASE("the addresses a refused form leaves in the address bar lead back to a page in a browser", "[reporter][form]") {
  temp_dir dir;
  server_process srv(dir.file("rk.db"));
  const auto port = srv.port();
  const auto token = post_json(port, "/api/v1/reports", valid_report()).json().at("tracking_token").get<std::string>();
  const header_list browser{{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}};

  const auto replies = get(port, "/api/v1/track/" + token + "/replies", browser);
  CHECK(replies.status == 303);
  CHECK(replies.header("location") == "/volg/" + token);
  const auto form = get(port, "/api/v1/reports", browser);
  CHECK(form.status == 303);
  CHECK(form.header("location") == "/");
  // Tools still get the contract's JSON errors.
  require_error(get(port, "/api/v1/track/" + token + "/replies"), 405, "method_not_allowed");
  require_error(get(port, "/api/v1/reports"), 401, "unauthenticated");
  // Only a token's characters go into a Location header.
  CHECK(get(port, "/api/v1/track/a%0D%0ASet-Cookie:x/replies", browser).status == 405);

  // A malformed address (a broken %-escape) gets a Dutch page in a browser, JSON otherwise.
  const auto broken = get(port, "/volg/%ZZ", browser);
  CHECK(broken.status == 400);
  CHECK(broken.header("content-type") == "text/html; charset=utf-8");
  CHECK(broken.body.find("lang=\"nl\"") != std::string::npos);
  CHECK(broken.body.find("Ongeldig adres") != std::string::npos);
  require_error(get(port, "/volg/%ZZ"), 400, "bad_request");
}
