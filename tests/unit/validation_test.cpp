// What a reporter may submit (CONTRACT.md "Reporter endpoints") and the workflow of
// PRODUCT.md "The life of a report".
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "rodeknop/domain/report.hpp"

namespace domain = rodeknop::domain;
using domain::field_problem;

namespace {

domain::reference_lists lists() {
  domain::reference_lists l;
  l.departments = {"bsd", "dpz", "dso"};
  l.categories = {"ict_systeem", "formulier_brief", "anders"};
  return l;
}

domain::report_submission valid_submission() {
  domain::report_submission s;
  s.title = "Parkeervergunning mantelzorger vraagt drie keer dezelfde gegevens";
  s.procedure = "Aanvraagformulier parkeervergunning";
  s.description = "Een mantelzorger moest vorige week drie keer terugkomen.\nDat kost iedereen tijd.";
  s.impact = "Inwoners haken af.";
  s.suggestion = "Gebruik de gegevens die we al hebben.";
  s.department = "dpz";
  s.category = "formulier_brief";
  s.reporter_name = "Fatima el Amrani";
  s.reporter_email = "fatima.elamrani@denhaag.nl";
  return s;
}

std::string repeat(const std::string& unit, std::size_t n) {
  std::string out;
  out.reserve(unit.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

std::vector<std::string> fields_of(const domain::field_errors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

// The single error for `field`, failing the test when there is not exactly one error.
domain::field_error only_error(const domain::field_errors& errors, const std::string& field) {
  INFO("errors on: " << Catch::StringMaker<std::vector<std::string>>::convert(fields_of(errors)));
  REQUIRE(errors.size() == 1);
  REQUIRE(errors.front().field == field);
  return errors.front();
}

}  // namespace

TEST_CASE("a complete submission is accepted", "[validation]") {
  auto s = valid_submission();
  CHECK(domain::validate(s, lists()).empty());
}

TEST_CASE("an anonymous submission with only the required fields is accepted", "[validation]") {
  auto s = valid_submission();
  s.impact.clear();
  s.suggestion.clear();
  s.reporter_name.clear();
  s.reporter_email.clear();
  CHECK(domain::validate(s, lists()).empty());
}

TEST_CASE("every required field that is missing is reported, in form order", "[validation][required]") {
  domain::report_submission s;  // all empty
  const auto errors = domain::validate(s, lists());
  REQUIRE(fields_of(errors) == std::vector<std::string>{"title", "procedure", "description", "department", "category"});
  for (const auto& e : errors) {
    INFO(e.field);
    CHECK(e.problem == field_problem::required);
  }
}

TEST_CASE("white space only counts as missing", "[validation][required]") {
  auto s = valid_submission();
  s.title = "   \t ";
  s.description = " \r\n\r\n \n ";
  s.department = "  ";
  const auto errors = domain::validate(s, lists());
  REQUIRE(fields_of(errors) == std::vector<std::string>{"title", "description", "department"});
  for (const auto& e : errors) CHECK(e.problem == field_problem::required);
}

TEST_CASE("text that shows nothing (Unicode spaces, zero-width characters) counts as missing", "[validation][required]") {
  auto s = valid_submission();
  s.title = "\u00a0\u00a0";                  // no-break spaces
  s.procedure = "\u200b";                     // zero-width space
  s.description = "\u3000\u2003\ufeff\u2060";  // ideographic and em space, BOM, word joiner
  s.impact = "\u00a0";                        // optional: stored as empty, no error
  const auto errors = domain::validate(s, lists());
  REQUIRE(fields_of(errors) == std::vector<std::string>{"title", "procedure", "description"});
  for (const auto& e : errors) CHECK(e.problem == field_problem::required);
  CHECK(s.impact.empty());
  // Visible text with such characters inside stays as it is.
  auto t = valid_submission();
  t.title = "Regel\u00a0A\u200b";
  CHECK(domain::validate(t, lists()).empty());
  CHECK(t.title == "Regel\u00a0A\u200b");
}

TEST_CASE("problems in several fields come back in form order", "[validation]") {
  auto s = valid_submission();
  s.reporter_email = "x@";
  s.category = "bestaat_niet";
  s.title = repeat("a", 201);
  s.suggestion = repeat("b", 5001);
  const auto errors = domain::validate(s, lists());
  REQUIRE(fields_of(errors) == std::vector<std::string>{"title", "suggestion", "category", "reporter_email"});
  CHECK(errors[0].problem == field_problem::too_long);
  CHECK(errors[1].problem == field_problem::too_long);
  CHECK(errors[2].problem == field_problem::unknown_key);
  CHECK(errors[3].problem == field_problem::invalid_email);
}

TEST_CASE("limits are counted in characters (code points), not bytes", "[validation][limits]") {
  SECTION("200 × é (400 bytes) fits the title") {
    auto s = valid_submission();
    s.title = repeat("é", 200);
    CHECK(domain::validate(s, lists()).empty());
    CHECK(s.title.size() == 400);
  }
  SECTION("201 × é is too long, with limit 200") {
    auto s = valid_submission();
    s.title = repeat("é", 201);
    const auto e = only_error(domain::validate(s, lists()), "title");
    CHECK(e.problem == field_problem::too_long);
    CHECK(e.limit == 200);
  }
  SECTION("200 four-byte characters fit the procedure, 201 do not") {
    auto s = valid_submission();
    s.procedure = repeat("\xF0\x9F\x94\xB4", 200);  // U+1F534 red circle
    CHECK(domain::validate(s, lists()).empty());
    s.procedure = repeat("\xF0\x9F\x94\xB4", 201);
    const auto e = only_error(domain::validate(s, lists()), "procedure");
    CHECK(e.problem == field_problem::too_long);
    CHECK(e.limit == 200);
  }
  SECTION("description: 10000 × € fits, 10001 does not") {
    auto s = valid_submission();
    s.description = repeat("€", 10000);
    CHECK(domain::validate(s, lists()).empty());
    s.description = repeat("€", 10001);
    const auto e = only_error(domain::validate(s, lists()), "description");
    CHECK(e.problem == field_problem::too_long);
    CHECK(e.limit == 10000);
  }
  SECTION("impact and suggestion: 5000") {
    auto s = valid_submission();
    s.impact = repeat("ë", 5000);
    s.suggestion = repeat("x", 5000);
    CHECK(domain::validate(s, lists()).empty());
    s.impact = repeat("ë", 5001);
    const auto e = only_error(domain::validate(s, lists()), "impact");
    CHECK(e.problem == field_problem::too_long);
    CHECK(e.limit == 5000);
  }
  SECTION("reporter_name: 200") {
    auto s = valid_submission();
    s.reporter_name = repeat("ï", 200);
    CHECK(domain::validate(s, lists()).empty());
    s.reporter_name = repeat("ï", 201);
    const auto e = only_error(domain::validate(s, lists()), "reporter_name");
    CHECK(e.problem == field_problem::too_long);
    CHECK(e.limit == 200);
  }
  SECTION("surrounding white space does not count towards the limit") {
    auto s = valid_submission();
    s.title = "   " + repeat("a", 200) + "  \n";
    CHECK(domain::validate(s, lists()).empty());
    CHECK(s.title == repeat("a", 200));
  }
}

TEST_CASE("utf8_length counts code points", "[validation][limits]") {
  CHECK(domain::utf8_length("") == 0);
  CHECK(domain::utf8_length("abc") == 3);
  CHECK(domain::utf8_length("één") == 3);
  CHECK(domain::utf8_length("\xF0\x9F\x94\xB4") == 1);
}

TEST_CASE("submissions are trimmed and line endings normalised in place", "[validation][normalise]") {
  auto s = valid_submission();
  s.title = "  \tTitel met spaties\t  ";
  s.procedure = "\r\nProcedure X\r\n";
  s.description = "Regel 1\r\nRegel 2\rRegel 3\n\r\n";
  s.impact = "  Impact\r\n  tweede regel  ";
  s.department = " dpz ";
  s.category = "anders\n";
  s.reporter_email = "  naam@denhaag.nl ";
  REQUIRE(domain::validate(s, lists()).empty());
  CHECK(s.title == "Titel met spaties");
  CHECK(s.procedure == "Procedure X");
  CHECK(s.description == "Regel 1\nRegel 2\nRegel 3");
  CHECK(s.impact == "Impact\n  tweede regel");
  CHECK(s.department == "dpz");
  CHECK(s.category == "anders");
  CHECK(s.reporter_email == "naam@denhaag.nl");
}

TEST_CASE("newlines are allowed in long texts but not in one-line fields", "[validation][text]") {
  SECTION("description, impact and suggestion may span lines") {
    auto s = valid_submission();
    s.description = "Eerste regel\nTweede regel\r\nDerde regel";
    s.impact = "a\nb";
    s.suggestion = "c\r\nd";
    CHECK(domain::validate(s, lists()).empty());
  }
  SECTION("a newline inside the title is invalid text") {
    auto s = valid_submission();
    s.title = "Titel\nmet een tweede regel";
    const auto e = only_error(domain::validate(s, lists()), "title");
    CHECK(e.problem == field_problem::invalid_text);
  }
  SECTION("a CRLF inside the procedure is invalid text") {
    auto s = valid_submission();
    s.procedure = "Procedure\r\nX";
    const auto e = only_error(domain::validate(s, lists()), "procedure");
    CHECK(e.problem == field_problem::invalid_text);
  }
  SECTION("a newline inside the reporter's name is invalid text") {
    auto s = valid_submission();
    s.reporter_name = "Jan\nde Vries";
    const auto e = only_error(domain::validate(s, lists()), "reporter_name");
    CHECK(e.problem == field_problem::invalid_text);
  }
  SECTION("Unicode's line and paragraph separators are line breaks too") {
    for (const char* separator : {"\u2028", "\u2029"}) {
      auto s = valid_submission();
      s.title = std::string("Titel") + separator + "tweede regel";
      s.description = std::string("Eerste alinea") + separator + "tweede alinea";
      const auto e = only_error(domain::validate(s, lists()), "title");
      CHECK(e.problem == field_problem::invalid_text);
    }
  }
}

TEST_CASE("control characters are rejected as invalid text", "[validation][text]") {
  const std::string controls[] = {std::string("a\x01z"), std::string("a\x1bz"), std::string("a\x7fz"),
                                  std::string("a\x08z"), std::string("a\0z", 3)};
  for (const auto& bad : controls) {
    INFO("control byte " << static_cast<int>(static_cast<unsigned char>(bad[1])));
    auto title = valid_submission();
    title.title = bad;
    CHECK(only_error(domain::validate(title, lists()), "title").problem == field_problem::invalid_text);
    auto description = valid_submission();
    description.description = "Voorbeeld\n" + bad;
    CHECK(only_error(domain::validate(description, lists()), "description").problem ==
          field_problem::invalid_text);
  }
}

TEST_CASE("C1 control characters (U+0080..U+009F) are rejected as invalid text", "[validation][text]") {
  // U+0085 NEXT LINE and U+009B CONTROL SEQUENCE INTRODUCER are control characters (Unicode
  // category Cc) just like the C0 ones; U+0085 is a line break in a one-line field.
  for (const char* bad : {"Titel\xC2\x85tweede regel", "Titel \xC2\x9B" "31m rood"}) {
    INFO("title: " << bad);
    auto s = valid_submission();
    s.title = bad;
    const auto errors = domain::validate(s, lists());
    REQUIRE(errors.size() == 1);
    CHECK(errors.front().field == "title");
    CHECK(errors.front().problem == field_problem::invalid_text);
  }
}

TEST_CASE("invalid UTF-8 is rejected", "[validation][text][utf8]") {
  const std::string bad[] = {
      "\xff",              // never valid
      "caf\xc3",           // truncated two-byte sequence at the end
      "\xc3(",             // lead byte without continuation
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong '/' in three bytes
      "\xed\xa0\x80",      // UTF-16 surrogate
      "\xf4\x90\x80\x80",  // beyond U+10FFFF
      "\x80",              // lone continuation byte
      "\xe2\x82",          // truncated three-byte sequence
  };
  for (const auto& b : bad) {
    INFO("bytes: " << Catch::StringMaker<std::string>::convert(b));
    CHECK_FALSE(domain::valid_utf8(b));
    auto s = valid_submission();
    s.description = "Voorbeeld " + b + " einde";
    CHECK(only_error(domain::validate(s, lists()), "description").problem == field_problem::invalid_text);
  }
  CHECK(domain::valid_utf8("Hagenaar één € \xF0\x9F\x94\xB4"));
  CHECK(domain::valid_utf8(""));
}

TEST_CASE("e-mail addresses: good ones pass", "[validation][email]") {
  for (const char* good : {"naam@denhaag.nl", "a.b+c@sub.example.nl", "j.de-vries@den-haag.nl", "x_1@a.b.c.nl"}) {
    INFO(good);
    CHECK(domain::valid_email(good));
    auto s = valid_submission();
    s.reporter_email = good;
    CHECK(domain::validate(s, lists()).empty());
  }
}

TEST_CASE("e-mail addresses: bad ones are invalid_email", "[validation][email]") {
  for (const char* bad : {"x@", "@x.nl", "a b@x.nl", "a@b", "a..b@x.nl", ".a@x.nl", "a.@x.nl", "a@x..nl",
                          "a@-x.nl", "a@x.nl.", "naam", "naam@@denhaag.nl", "a@x_y.nl"}) {
    INFO(bad);
    CHECK_FALSE(domain::valid_email(bad));
    auto s = valid_submission();
    s.reporter_email = bad;
    CHECK(only_error(domain::validate(s, lists()), "reporter_email").problem == field_problem::invalid_email);
  }
}

TEST_CASE("e-mail addresses longer than 254 characters are refused", "[validation][email][limits]") {
  const std::string local(64, 'a');
  const std::string l63a(63, 'b'), l63b(63, 'c');
  const std::string at254 = local + "@" + l63a + "." + l63b + "." + std::string(58, 'd') + ".nl";
  const std::string at255 = local + "@" + l63a + "." + l63b + "." + std::string(59, 'd') + ".nl";
  REQUIRE(at254.size() == 254);
  REQUIRE(at255.size() == 255);

  CHECK(domain::valid_email(at254));
  auto ok = valid_submission();
  ok.reporter_email = at254;
  CHECK(domain::validate(ok, lists()).empty());

  CHECK_FALSE(domain::valid_email(at255));
  auto s = valid_submission();
  s.reporter_email = at255;
  const auto e = only_error(domain::validate(s, lists()), "reporter_email");
  CHECK((e.problem == field_problem::too_long || e.problem == field_problem::invalid_email));
  if (e.problem == field_problem::too_long) CHECK(e.limit == 254);
}

TEST_CASE("unknown department or category keys are unknown_key", "[validation][keys]") {
  auto s = valid_submission();
  s.department = "dienst_die_niet_bestaat";
  s.category = "ICT_SYSTEEM";  // keys are case-sensitive
  const auto errors = domain::validate(s, lists());
  REQUIRE(fields_of(errors) == std::vector<std::string>{"department", "category"});
  CHECK(errors[0].problem == field_problem::unknown_key);
  CHECK(errors[1].problem == field_problem::unknown_key);

  // A label is not a key.
  auto l = valid_submission();
  l.category = "Anders";
  CHECK(only_error(domain::validate(l, lists()), "category").problem == field_problem::unknown_key);
}

TEST_CASE("every problem has an English and a Dutch message", "[validation][messages]") {
  const std::vector<std::string> fields{"title", "procedure", "description", "impact", "suggestion",
                                        "department", "category", "reporter_name", "reporter_email", "body"};
  const field_problem problems[] = {field_problem::required, field_problem::too_long, field_problem::invalid_email,
                                    field_problem::unknown_key, field_problem::invalid_text};
  for (const auto& f : fields) {
    for (const auto p : problems) {
      const domain::field_error e{f, p, p == field_problem::too_long ? 200u : 0u};
      INFO(f << " / problem " << static_cast<int>(p));
      CHECK_FALSE(domain::message_en(e).empty());
      CHECK_FALSE(domain::message_nl(e).empty());
    }
  }
}

TEST_CASE("the too_long messages name the limit", "[validation][messages]") {
  const domain::field_error title{"title", field_problem::too_long, 200};
  CHECK_THAT(domain::message_nl(title), Catch::Matchers::Contains("200"));
  CHECK_THAT(domain::message_en(title), Catch::Matchers::Contains("200"));
  const domain::field_error description{"description", field_problem::too_long, 10000};
  CHECK_THAT(domain::message_nl(description), Catch::Matchers::Contains("10000") ||
                                                  Catch::Matchers::Contains("10.000"));
}

TEST_CASE("the Dutch and English messages differ (the pages are in Dutch)", "[validation][messages]") {
  const domain::field_error e{"title", field_problem::required, 0};
  CHECK(domain::message_nl(e) != domain::message_en(e));
}

TEST_CASE("the workflow table is exactly the one of PRODUCT.md", "[validation][workflow]") {
  const std::map<std::string, std::vector<std::string>> expected{
      {"new", {"accepted", "rejected", "duplicate", "needs_info"}},
      {"needs_info", {"new"}},
      {"accepted", {"in_progress", "resolved", "wont_fix"}},
      {"in_progress", {"resolved", "wont_fix", "needs_info"}},
      {"resolved", {"accepted"}},
      {"wont_fix", {"accepted"}},
      {"rejected", {"accepted"}},
      {"duplicate", {"accepted"}},
  };
  // Compare as sets of targets: the order within a list is presentation.
  const auto& actual = domain::transitions();
  REQUIRE(actual.size() == expected.size());
  for (const auto& [from, targets] : expected) {
    INFO("from " << from);
    REQUIRE(actual.count(from) == 1);
    auto a = actual.at(from);
    auto b = targets;
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    CHECK(a == b);
  }
  // Every status of the table is a known status and every status has an entry.
  for (const auto s : domain::statuses) CHECK(actual.count(std::string(s)) == 1);
}

TEST_CASE("transition_allowed follows the table", "[validation][workflow]") {
  // Allowed, each one of PRODUCT.md.
  for (const auto& [from, to] : std::vector<std::pair<const char*, const char*>>{
           {"new", "accepted"},         {"new", "rejected"},         {"new", "duplicate"},
           {"new", "needs_info"},       {"needs_info", "new"},       {"accepted", "in_progress"},
           {"accepted", "resolved"},    {"accepted", "wont_fix"},    {"in_progress", "resolved"},
           {"in_progress", "wont_fix"}, {"in_progress", "needs_info"}, {"resolved", "accepted"},    {"wont_fix", "accepted"},
           {"rejected", "accepted"},    {"duplicate", "accepted"}}) {
    INFO(from << " -> " << to);
    CHECK(domain::transition_allowed(from, to));
  }
  // Disallowed.
  for (const auto& [from, to] : std::vector<std::pair<const char*, const char*>>{
           {"new", "resolved"},       {"resolved", "new"},          {"new", "new"},
           {"new", "in_progress"},    {"new", "wont_fix"},          {"needs_info", "accepted"},
           {"needs_info", "rejected"}, {"accepted", "new"},          {"accepted", "rejected"},
           {"in_progress", "accepted"}, {"in_progress", "new"},     {"resolved", "in_progress"},
           {"rejected", "new"},       {"duplicate", "resolved"},    {"wont_fix", "in_progress"},
           {"bogus", "new"},          {"new", "bogus"},             {"", ""},
           {"NEW", "accepted"}}) {
    INFO(from << " -> " << to);
    CHECK_FALSE(domain::transition_allowed(from, to));
  }
}

TEST_CASE("closed statuses are resolved, wont_fix, rejected and duplicate", "[validation][workflow]") {
  for (const char* s : {"resolved", "wont_fix", "rejected", "duplicate"}) {
    INFO(s);
    CHECK(domain::is_closed_status(s));
    CHECK(domain::is_status(s));
  }
  for (const char* s : {"new", "needs_info", "accepted", "in_progress", "", "RESOLVED", "closed"}) {
    INFO(s);
    CHECK_FALSE(domain::is_closed_status(s));
  }
  CHECK_FALSE(domain::is_status("closed"));
  CHECK(domain::is_priority("urgent"));
  CHECK_FALSE(domain::is_priority("critical"));
  CHECK(domain::is_outcome("rule_abolished"));
  CHECK_FALSE(domain::is_outcome("fixed"));
}

TEST_CASE("validate_reply: trimmed, required, at most 5000 characters, multi-line", "[validation][reply]") {
  SECTION("a reply is trimmed and its line endings normalised") {
    std::string body = "  Hier is een recent voorbeeld.\r\nMet een tweede regel.\r\n  ";
    CHECK(domain::validate_reply(body).empty());
    CHECK(body == "Hier is een recent voorbeeld.\nMet een tweede regel.");
  }
  SECTION("an empty or blank reply is required") {
    for (std::string body : {std::string{}, std::string(" \r\n\t ")}) {
      const auto errors = domain::validate_reply(body);
      REQUIRE(errors.size() == 1);
      CHECK(errors.front().field == "body");
      CHECK(errors.front().problem == field_problem::required);
    }
  }
  SECTION("5000 characters fit, 5001 do not") {
    std::string ok = repeat("ë", 5000);
    CHECK(domain::validate_reply(ok).empty());
    std::string too_long = repeat("ë", 5001);
    const auto errors = domain::validate_reply(too_long);
    REQUIRE(errors.size() == 1);
    CHECK(errors.front().problem == field_problem::too_long);
    CHECK(errors.front().limit == 5000);
  }
  SECTION("control characters and invalid UTF-8 are refused") {
    std::string control = "Antwoord\x1b[2J";
    auto errors = domain::validate_reply(control);
    REQUIRE(errors.size() == 1);
    CHECK(errors.front().problem == field_problem::invalid_text);
    std::string broken = "Antwoord \xc3";
    errors = domain::validate_reply(broken);
    REQUIRE(errors.size() == 1);
    CHECK(errors.front().problem == field_problem::invalid_text);
  }
}
