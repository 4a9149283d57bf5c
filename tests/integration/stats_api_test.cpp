// GET /api/v1/stats/monthly and /stats over real HTTP against the real binary: known histories in,
// exact figures out (JSON and CSV, the CSV parsed back), formula cells neutralised, the range
// rules, and who may read the statistics.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "harness.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/report.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/reports.hpp"

using namespace rk_test;
namespace domain = rodeknop::domain;
namespace store = rodeknop::store;
using boost::beast::http::verb;
using nlohmann::json;

namespace {

domain::sys_seconds utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}} +
         std::chrono::hours{h} + std::chrono::minutes{mi};
}

// Histories written into the database file before the server starts, through the store (the
// way the API writes them), at chosen times.
class history_writer {
 public:
  explicit history_writer(const std::string& path) : c_(options(path), true) {}

  std::int64_t submit(domain::sys_seconds t, const std::string& department, const std::string& category) {
    domain::report_submission s;
    s.title = "Titel";
    s.procedure = "Procedure";
    s.description = "Omschrijving";
    s.department = department;
    s.category = category;
    return store::insert_report(c_, s, "integration-" + std::to_string(++n_), t).id;
  }

  void move(std::int64_t id, const std::string& from, const std::string& to, domain::sys_seconds t,
            const std::string& outcome = {}) {
    SQLite::Statement ev(c_.db(),
                         "INSERT INTO events (report_id, at, actor, type, from_value, to_value, outcome) "
                         "VALUES (?1, ?2, 'anna', 'status', ?3, ?4, ?5)");
    ev.bind(1, id);
    ev.bind(2, static_cast<std::int64_t>(t.time_since_epoch().count()));
    ev.bind(3, from);
    ev.bind(4, to);
    if (outcome.empty())
      ev.bind(5);
    else
      ev.bind(5, outcome);
    ev.exec();
    SQLite::Statement up(c_.db(), "UPDATE reports SET status = ?2, outcome = ?3 WHERE id = ?1");
    up.bind(1, id);
    up.bind(2, to);
    if (outcome.empty())
      up.bind(3);
    else
      up.bind(3, outcome);
    up.exec();
  }

  void owner(std::int64_t id, const std::string& department) {
    SQLite::Statement up(c_.db(), "UPDATE reports SET owner_department = ?2 WHERE id = ?1");
    up.bind(1, id);
    up.bind(2, department);
    up.exec();
  }

  SQLite::Database& db() { return c_.db(); }

 private:
  static store::db_options options(const std::string& path) {
    store::initialise_database({path});
    return {path};
  }
  store::connection c_;
  int n_ = 0;
};

// A small RFC 4180 reader: quoted cells, doubled quotes, CRLF.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, char delimiter) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false, was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"' && cell.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == delimiter) {
      rows.back().push_back(std::move(cell));
      cell.clear();
      was_quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      was_quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      cell.push_back(c);
    }
  }
  if (!cell.empty() || !rows.back().empty()) rows.back().push_back(std::move(cell));
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

// The known data set: January to March 2026, times chosen across local month boundaries.
void write_known_histories(const std::string& db) {
  history_writer w(db);
  // a: received 00:30 on 1 January 2026 local time (still 2025 in UTC), accepted after 2 days,
  //    resolved with "rule_abolished" in February (41 days), owned by dso.
  const auto a = w.submit(utc(2025, 12, 31, 23, 30), "dpz", "gemeentelijk_beleid");
  w.move(a, "new", "accepted", utc(2026, 1, 2, 23, 30));
  w.owner(a, "dso");
  w.move(a, "accepted", "resolved", utc(2026, 2, 10, 23, 30), "rule_abolished");
  // b: received in January, needs_info after 1 day, back to new (reporter), rejected in
  //    February: decided once, in January.
  const auto b = w.submit(utc(2026, 1, 10, 9), "bsd", "formulier_brief");
  w.move(b, "new", "needs_info", utc(2026, 1, 11, 9));
  w.move(b, "needs_info", "new", utc(2026, 1, 20, 9));
  w.move(b, "new", "rejected", utc(2026, 2, 2, 9));
  // c: received in February, duplicate after half a day.
  const auto c = w.submit(utc(2026, 2, 3, 8), "bsd", "ict_systeem");
  w.move(c, "new", "duplicate", utc(2026, 2, 3, 20));
  // d: received 23:30 on 28 February UTC = 00:30 on 1 March local time; still new.
  w.submit(utc(2026, 2, 28, 23, 30), "szw", "anders");
  // a is reopened in March and resolved again ("rule_changed").
  w.move(a, "resolved", "accepted", utc(2026, 3, 5, 9));
  w.move(a, "accepted", "resolved", utc(2026, 3, 9, 23, 30), "rule_changed");
}

struct stats_server {
  temp_dir dir;
  std::string db = dir.file("stats.db");
  std::string manager, admin, triager;
  std::optional<server_process> server;

  explicit stats_server(bool with_histories = true) {
    if (with_histories) write_known_histories(db);
    manager = create_token(db, "bi-tool", "manager");
    admin = create_token(db, "beheer", "admin");
    triager = create_token(db, "team", "triager");
    server.emplace(db);
  }
  unsigned short port() const { return server->port(); }
  response get_as(const std::string& token, const std::string& target, header_list extra = {}) const {
    auto h = bearer(token);
    h.insert(h.end(), extra.begin(), extra.end());
    return get(port(), target, h);
  }
};

const json& month(const json& body, const std::string& m) {
  for (const auto& x : body.at("months"))
    if (x.at("month") == m) return x;
  throw std::runtime_error("no month " + m);
}

}  // namespace

TEST_CASE("statistics: managers and admins read them, others may not", "[integration][stats]") {
  stats_server s(false);
  CHECK(get(s.port(), "/api/v1/stats/monthly").status == 401);
  CHECK(s.get_as(s.triager, "/api/v1/stats/monthly").status == 403);
  CHECK(s.get_as(s.triager, "/api/v1/stats/monthly?format=csv").status == 403);
  CHECK(s.get_as(s.manager, "/api/v1/stats/monthly").status == 200);
  CHECK(s.get_as(s.admin, "/api/v1/stats/monthly").status == 200);
  CHECK(s.get_as(s.triager, "/stats").status == 403);
  const auto page = s.get_as(s.manager, "/stats");
  CHECK(page.status == 200);
  CHECK(page.header("content-type").find("text/html") == 0);
  // A browser without a session is sent to the login page.
  const auto anonymous = get(s.port(), "/stats", {{"Accept", "text/html"}});
  CHECK((anonymous.status == 303 || anonymous.status == 302 || anonymous.status == 401));
  if (anonymous.status != 401) CHECK(anonymous.header("location").rfind("/login", 0) == 0);
  // A manager's browser session works too.
  add_user(s.db, "marieke", "manager");
  const auto session = login(s.port(), "marieke");
  CHECK(get(s.port(), "/stats", session.headers(false)).status == 200);
  CHECK(get(s.port(), "/api/v1/stats/monthly", session.headers(false)).status == 200);
}

TEST_CASE("statistics: known histories give exact figures", "[integration][stats]") {
  stats_server s;
  const auto res = s.get_as(s.manager, "/api/v1/stats/monthly?from=2025-12&to=2026-04");
  REQUIRE(res.status == 200);
  CHECK(res.header("content-type").find("application/json") == 0);
  const auto body = res.json();
  CHECK(body.at("from") == "2025-12");
  CHECK(body.at("to") == "2026-04");
  REQUIRE(body.at("months").size() == 5);

  const auto& dec = month(body, "2025-12");
  CHECK(dec.at("received") == 0);
  CHECK(dec.at("open_at_end") == 0);
  CHECK(dec.at("median_days_to_decision").is_null());
  CHECK(dec.at("median_days_to_close").is_null());

  const auto& jan = month(body, "2026-01");
  CHECK(jan.at("received") == 2);
  CHECK(jan.at("decided") == 2);
  CHECK(jan.at("resolved") == 0);
  CHECK(jan.at("open_at_end") == 2);
  CHECK(jan.at("median_days_to_decision").get<double>() == Approx(1.5));  // 2 and 1 days
  CHECK(jan.at("median_days_to_close").is_null());
  CHECK(jan.at("by_department").at("dpz") == json{{"received", 1}, {"decided", 1}, {"resolved", 0}, {"rejected", 0}, {"duplicates", 0}});
  CHECK(jan.at("by_department").at("bsd").at("decided") == 1);
  CHECK(jan.at("by_owner_department").at("dso").at("received") == 1);
  CHECK(jan.at("by_category").at("gemeentelijk_beleid").at("received") == 1);

  const auto& feb = month(body, "2026-02");
  CHECK(feb.at("received") == 1);
  CHECK(feb.at("decided") == 1);  // c; b's rejection is not its first decision
  CHECK(feb.at("resolved") == 1);
  CHECK(feb.at("rejected") == 1);
  CHECK(feb.at("duplicates") == 1);
  CHECK(feb.at("wont_fix") == 0);
  CHECK(feb.at("open_at_end") == 0);
  CHECK(feb.at("by_outcome").at("rule_abolished") == 1);
  CHECK(feb.at("by_outcome").size() == 6);
  CHECK(feb.at("median_days_to_decision").get<double>() == Approx(0.5));
  // Closings: a after 41 days, b after 23 days, c after half a day → the middle one.
  CHECK(feb.at("median_days_to_close").get<double>() == Approx(23.0));
  CHECK(feb.at("by_owner_department").at("dso").at("resolved") == 1);
  CHECK(feb.at("by_department").at("bsd").at("rejected") == 1);
  CHECK(feb.at("by_department").at("bsd").at("duplicates") == 1);

  const auto& mar = month(body, "2026-03");
  CHECK(mar.at("received") == 1);  // d, 00:30 on 1 March local time
  CHECK(mar.at("resolved") == 1);  // a, again
  CHECK(mar.at("by_outcome").at("rule_changed") == 1);
  CHECK(mar.at("open_at_end") == 1);
  CHECK(mar.at("median_days_to_close").get<double>() == Approx(68.0));
  CHECK(mar.at("decided") == 0);

  const auto& apr = month(body, "2026-04");
  CHECK(apr.at("received") == 0);
  CHECK(apr.at("open_at_end") == 1);
  CHECK(apr.at("by_department").size() == 6);  // every active department, zeros included

  // Filters.
  const auto bsd = s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-01&to=2026-03&department=bsd").json();
  CHECK(bsd.at("department") == "bsd");
  CHECK(month(bsd, "2026-01").at("received") == 1);
  CHECK(month(bsd, "2026-02").at("received") == 1);
  CHECK(month(bsd, "2026-02").at("resolved") == 0);
  CHECK(month(bsd, "2026-03").at("open_at_end") == 0);
  const auto anders = s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-03&to=2026-03&category=anders").json();
  CHECK(month(anders, "2026-03").at("received") == 1);
  CHECK(month(anders, "2026-03").at("resolved") == 0);
}

TEST_CASE("statistics: a report sent through the API counts at once", "[integration][stats]") {
  stats_server s(false);
  const auto before = s.get_as(s.manager, "/api/v1/stats/monthly").json();
  CHECK(before.at("months").back().at("received") == 0);
  const auto csv_before = s.get_as(s.manager, "/api/v1/stats/monthly?format=csv").body;
  REQUIRE(post_json(s.port(), "/api/v1/reports", valid_report()).status == 201);
  // Answers already given are not served again once the figures changed.
  CHECK(s.get_as(s.manager, "/api/v1/stats/monthly?format=csv").body != csv_before);
  const auto body = s.get_as(s.manager, "/api/v1/stats/monthly").json();
  REQUIRE(body.at("months").size() == 12);
  const auto current = domain::format_year_month(domain::amsterdam_month(domain::now()));
  CHECK(body.at("to") == current);
  CHECK(body.at("months").back().at("month") == current);
  CHECK(body.at("months").back().at("received") == 1);
  CHECK(body.at("months").back().at("open_at_end") == 1);
}

TEST_CASE("statistics: bad ranges and parameters are a 422 naming the field", "[integration][stats]") {
  stats_server s(false);
  const auto check = [&](const std::string& query, const std::string& field) {
    const auto res = s.get_as(s.manager, "/api/v1/stats/monthly?" + query);
    INFO(query);
    CHECK(res.status == 422);
    const auto body = res.json();
    CHECK(body.at("error").at("code") == "validation_failed");
    CHECK(body.at("error").at("fields").contains(field));
  };
  check("from=2026-13&to=2026-12", "from");
  check("from=2026-1&to=2026-12", "from");
  check("from=2026-01&to=december", "to");
  check("from=2026-06&to=2026-01", "to");
  check("from=2016-01&to=2026-01", "to");  // 121 months
  check("format=xml", "format");
  check("format=csv&delimiter=tab", "delimiter");
  check("format=csv&labels=en", "labels");
  check("department=geen-dienst", "department");
  check("category=%3Cscript%3E", "category");
  check("from=2026-01&to=2026-02&month=2026-01", "month");  // not a parameter of this endpoint
  check("from=2026-01&from=2026-02&to=2026-03", "from");    // given twice
  CHECK(s.get_as(s.manager, "/api/v1/stats/monthly?from=2016-01&to=2025-12").status == 200);  // 120 months
}

TEST_CASE("statistics: CSV in both flavours, parsed back", "[integration][stats]") {
  stats_server s;
  const auto json_body = s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-01&to=2026-03").json();
  const auto res = s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-01&to=2026-03", {{"Accept", "text/csv"}});
  REQUIRE(res.status == 200);
  CHECK(res.header("content-type").find("text/csv") == 0);
  CHECK(res.header("content-disposition") == "attachment; filename=\"rodeknop-statistiek-2026-01-2026-03.csv\"");
  REQUIRE(res.body.rfind("\xEF\xBB\xBF", 0) == 0);
  const auto rows = parse_csv(std::string_view(res.body).substr(3), ',');
  REQUIRE(!rows.empty());
  const std::vector<std::string> header{"month", "breakdown", "key", "label", "received", "decided", "resolved",
                                        "wont_fix", "rejected", "duplicates", "open_at_end",
                                        "median_days_to_decision", "median_days_to_close"};
  CHECK(rows[0] == header);
  // Per month: the total, 6 departments, 6 owning departments, 7 categories, 6 outcomes.
  CHECK(rows.size() == 1 + 3 * (1 + 6 + 6 + 7 + 6));
  for (const auto& r : rows) CHECK(r.size() == header.size());
  for (const auto& r : rows) {
    if (r[0] == "month") continue;
    const auto& m = month(json_body, r[0]);
    if (r[1] == "total") {
      CHECK(std::stoll(r[4]) == m.at("received").get<std::int64_t>());
      CHECK(std::stoll(r[5]) == m.at("decided").get<std::int64_t>());
      CHECK(std::stoll(r[6]) == m.at("resolved").get<std::int64_t>());
      CHECK(std::stoll(r[10]) == m.at("open_at_end").get<std::int64_t>());
      if (m.at("median_days_to_close").is_null())
        CHECK(r[12].empty());
      else
        CHECK(std::stod(r[12]) == Approx(m.at("median_days_to_close").get<double>()).margin(1e-6));
    } else if (r[1] == "department" || r[1] == "owner_department" || r[1] == "category") {
      const auto& b = m.at("by_" + r[1]).at(r[2]);
      CHECK(std::stoll(r[4]) == b.at("received").get<std::int64_t>());
      CHECK(std::stoll(r[8]) == b.at("rejected").get<std::int64_t>());
      CHECK(std::stoll(r[9]) == b.at("duplicates").get<std::int64_t>());
    } else {
      REQUIRE(r[1] == "outcome");
      CHECK(std::stoll(r[6]) == m.at("by_outcome").at(r[2]).get<std::int64_t>());
    }
  }

  // format=csv and the semicolon flavour with decimal commas.
  const auto semi = s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-01&to=2026-01&format=csv&delimiter=semicolon");
  REQUIRE(semi.status == 200);
  const auto srows = parse_csv(std::string_view(semi.body).substr(3), ';');
  CHECK(srows[0] == header);
  REQUIRE(srows[1][1] == "total");
  CHECK(srows[1][11] == "1,5");

  // labels=nl (the page's download for Excel): Dutch column names and breakdown names, the same
  // figures and keys; without it the file stays as the contract says.
  const auto nl = s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-01&to=2026-01&format=csv&delimiter=semicolon&labels=nl");
  REQUIRE(nl.status == 200);
  CHECK(nl.header("content-disposition") == "attachment; filename=\"rodeknop-statistiek-2026-01-2026-01.csv\"");
  const auto nrows = parse_csv(std::string_view(nl.body).substr(3), ';');
  const std::vector<std::string> dutch_header{"maand", "uitsplitsing", "code", "naam", "ontvangen", "besluit genomen",
                                              "opgelost", "niet opgelost", "afgewezen", "dubbele melding",
                                              "open aan het eind van de maand", "mediane dagen tot besluit",
                                              "mediane dagen tot afhandeling"};
  CHECK(nrows[0] == dutch_header);
  REQUIRE(nrows.size() == srows.size());
  const std::map<std::string, std::string> names{{"total", "Totaal"},
                                                 {"department", "Dienst van de melder"},
                                                 {"owner_department", "Dienst die over de regel gaat"},
                                                 {"category", "Categorie"},
                                                 {"outcome", "Uitkomst"}};
  for (std::size_t i = 1; i < nrows.size(); ++i) {
    INFO(i);
    REQUIRE(nrows[i].size() == srows[i].size());
    CHECK(nrows[i][1] == names.at(srows[i][1]));
    for (std::size_t c = 0; c < srows[i].size(); ++c)
      if (c != 1) CHECK(nrows[i][c] == srows[i][c]);
  }
  CHECK(nrows[1][3] == "Totaal");
  CHECK(s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-01&to=2026-01&format=csv&labels=keys").body ==
        s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-01&to=2026-01&format=csv").body);
}

TEST_CASE("statistics: CSV cells a spreadsheet would run are neutralised", "[integration][stats]") {
  temp_dir dir;
  const std::string db = dir.file("stats.db");
  write_known_histories(db);
  {
    SQLite::Database d(db, SQLite::OPEN_READWRITE);
    // Written past the validation, as by hand; the administrator's log asks who (sql/0009).
    sqlite3_create_function_v2(
        d.getHandle(), "rk_actor", 0, SQLITE_UTF8, nullptr,
        [](sqlite3_context* context, int, sqlite3_value**) { sqlite3_result_text(context, "test", -1, SQLITE_STATIC); },
        nullptr, nullptr, nullptr);
    d.exec("UPDATE departments SET label = '=HYPERLINK(\"http://evil.example/\",\"klik\")' WHERE key = 'bsd'");
    d.exec("UPDATE departments SET label = '+SUM(A1:A9)' WHERE key = 'dpz'");
    d.exec("UPDATE departments SET label = '@cmd' WHERE key = 'dso'");
    d.exec("UPDATE categories SET label = '-2+3' WHERE key = 'anders'");
    d.exec("UPDATE categories SET label = char(9) || 'tab' WHERE key = 'ict_systeem'");
  }
  const auto token = create_token(db, "bi", "manager");
  server_process server(db);
  const auto res = get(server.port(), "/api/v1/stats/monthly?from=2026-01&to=2026-01&format=csv", bearer(token));
  REQUIRE(res.status == 200);
  const auto rows = parse_csv(std::string_view(res.body).substr(3), ',');
  std::map<std::string, std::string> labels;
  for (const auto& r : rows)
    if (r.size() > 3 && (r[1] == "department" || r[1] == "category")) labels[r[2]] = r[3];
  CHECK(labels.at("bsd") == "'=HYPERLINK(\"http://evil.example/\",\"klik\")");
  CHECK(labels.at("dpz") == "'+SUM(A1:A9)");
  CHECK(labels.at("dso") == "'@cmd");
  CHECK(labels.at("anders") == "'-2+3");
  CHECK(labels.at("ict_systeem") == "'\ttab");
  // No cell of the file starts with a formula character.
  for (const auto& r : rows)
    for (const auto& cell : r)
      if (!cell.empty() && cell.find_first_not_of("0123456789.,") != std::string::npos) {
        INFO(cell);
        CHECK(std::string("=+-@\t\r").find(cell[0]) == std::string::npos);
      }
}

TEST_CASE("statistics page: figures, tables and downloads for the chosen period", "[integration][stats]") {
  stats_server s;
  const auto page = s.get_as(s.manager, "/stats?from=2026-01&to=2026-03&department=bsd");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("januari 2026 tot en met maart 2026") != std::string::npos);
  CHECK(page.body.find("/api/v1/stats/monthly?from=2026-01&amp;to=2026-03&amp;department=bsd&amp;format=csv&amp;delimiter=semicolon&amp;labels=nl") !=
        std::string::npos);
  CHECK(page.body.find("<caption") != std::string::npos);
  CHECK(page.body.find("<script>") == std::string::npos);
  CHECK(page.body.find("rk-stats-empty") == std::string::npos);
  CHECK(page.body.find("Ontvangen meldingen, besluiten en afgehandelde meldingen per maand") != std::string::npos);
  // One month is named once, in the title, the lead and the captions.
  const auto one = s.get_as(s.manager, "/stats?from=2026-02&to=2026-02").body;
  CHECK(one.find("<title>Maandcijfers februari 2026 ") != std::string::npos);
  CHECK(one.find("Meldingen per categorie, februari 2026<") != std::string::npos);
  CHECK(one.find("tot en met") == std::string::npos);
  // A period without any report says so, and points to the filter when one is set.
  const auto empty = s.get_as(s.manager, "/stats?from=2020-01&to=2020-03");
  REQUIRE(empty.status == 200);
  CHECK(empty.body.find("id=\"rk-stats-empty\"") != std::string::npos);
  CHECK(empty.body.find("kies alle diensten en categorie") == std::string::npos);
  CHECK(s.get_as(s.manager, "/stats?from=2020-01&to=2020-03&category=anders").body.find("kies alle diensten en categorie") !=
        std::string::npos);
  const auto wrong = s.get_as(s.manager, "/stats?from=2026-13");
  CHECK(wrong.status == 422);
  CHECK(wrong.body.find("Schrijf de beginmaand als jjjj-mm, bijvoorbeeld 2026-01. Kies een maand van 1970-01 tot en met 9998-12.") !=
        std::string::npos);
  CHECK(wrong.body.find("name=\"from\" value=\"2026-13\"") != std::string::npos);  // as typed
  // Each refusal says what to do: the format and range of a month, or which rule of the period.
  for (const char* target : {"/stats?from=1900-01", "/stats?from=2026-1"}) {
    INFO(target);
    CHECK(s.get_as(s.manager, target).body.find("Schrijf de beginmaand als jjjj-mm") != std::string::npos);
  }
  CHECK(s.get_as(s.manager, "/stats?from=2026-01&to=2026-1x").body.find("Schrijf de eindmaand als jjjj-mm") !=
        std::string::npos);
  const auto backwards = s.get_as(s.manager, "/stats?from=2026-06&to=2026-01").body;
  CHECK(backwards.find("De eindmaand ligt voor de beginmaand.") != std::string::npos);
  CHECK(backwards.find("tien jaar") == std::string::npos);
  const auto too_long = s.get_as(s.manager, "/stats?from=2010-01&to=2026-01").body;
  CHECK(too_long.find("De periode is langer dan tien jaar.") != std::string::npos);
  CHECK(too_long.find("voor de beginmaand") == std::string::npos);
  // Past months are final; the month still running is marked as such (the default period ends with it).
  CHECK(page.body.find("(tot nu toe)") == std::string::npos);
  const auto now_page = s.get_as(s.manager, "/stats").body;
  CHECK(now_page.find("(tot nu toe)</th>") != std::string::npos);
  // The charts' labels use the same words as the tables.
  CHECK(now_page.find(" (tot nu toe)\"><th") != std::string::npos);
  CHECK(now_page.find("(lopend)") == std::string::npos);
}

namespace {

// The figures of one row of a breakdown table on /stats: the data-rk-value of each cell, in
// column order (received, decided, closed, resolved, wont_fix, rejected, duplicates). `row`
// is found by its key (data-rk-key) or, for the row without one, by its label.
std::vector<long> breakdown_row(const std::string& html, const std::string& table, const std::string& row_marker) {
  const auto start = html.find("id=\"rk-table-" + table + "\"");
  if (start == std::string::npos) throw std::runtime_error("no table " + table);
  const auto end = html.find("</table>", start);
  const auto row = html.find(row_marker, start);
  if (row == std::string::npos || row > end) return {};
  const auto row_end = html.find("</tr>", row);
  std::vector<long> values;
  for (auto at = html.find("data-rk-value=\"", row); at < row_end; at = html.find("data-rk-value=\"", at + 1)) {
    const auto from = at + 15;
    values.push_back(std::stol(html.substr(from, html.find('"', from) - from)));
  }
  return values;
}

bool table_has(const std::string& html, const std::string& table, const std::string& text) {
  const auto start = html.find("id=\"rk-table-" + table + "\"");
  const auto end = html.find("</table>", start);
  const auto at = html.find(text, start);
  return start != std::string::npos && at != std::string::npos && at < end;
}

}  // namespace

TEST_CASE("statistics page: the period by reporter's department, owning department and category",
          "[integration][stats]") {
  stats_server s;
  using row = std::vector<long>;
  const auto page = s.get_as(s.manager, "/stats?from=2026-01&to=2026-03");
  REQUIRE(page.status == 200);
  const auto& html = page.body;
  // Three tables, each with a caption naming the period, a header row and a chart above it.
  for (const std::string id : {"department", "owner", "category"}) {
    CHECK(table_has(html, id, "<caption"));
    CHECK(table_has(html, id, "januari 2026 tot en met maart 2026</caption>"));
    CHECK(table_has(html, id, "<th class=\"utrecht-table__header-cell\" scope=\"row\">"));
    CHECK(html.find("data-rk-table=\"rk-table-" + id + "\"") != std::string::npos);
  }
  // Columns: received, decided, closed, resolved, not resolved, rejected, duplicates.
  CHECK(breakdown_row(html, "department", "data-rk-key=\"bsd\"") == row{2, 2, 2, 0, 0, 1, 1});
  CHECK(breakdown_row(html, "department", "data-rk-key=\"dpz\"") == row{1, 1, 2, 2, 0, 0, 0});
  CHECK(breakdown_row(html, "department", "data-rk-key=\"szw\"") == row{1, 0, 0, 0, 0, 0, 0});
  CHECK(breakdown_row(html, "department", "data-rk-key=\"ocw\"") == row{0, 0, 0, 0, 0, 0, 0});  // active: listed
  CHECK(breakdown_row(html, "department", "<th class=\"utrecht-table__header-cell\" scope=\"row\">Totaal") ==
        row{4, 3, 4, 2, 0, 1, 1});
  // Labels from the catalogue, not keys.
  CHECK(table_has(html, "department", ">Dienst Sociale Zaken en Werkgelegenheid</th>"));
  CHECK(table_has(html, "category", ">Gemeentelijke regel of beleid</th>"));
  CHECK_FALSE(table_has(html, "category", ">gemeentelijk_beleid<"));
  // The owning department (a is owned by dso); the rest has no owner yet, so the columns add up.
  CHECK(breakdown_row(html, "owner", "data-rk-key=\"dso\"") == row{1, 1, 2, 2, 0, 0, 0});
  CHECK(breakdown_row(html, "owner", "data-rk-key=\"dpz\"") == row{0, 0, 0, 0, 0, 0, 0});
  CHECK(breakdown_row(html, "owner", "data-rk-label=\"Nog geen dienst toegewezen\"") == row{3, 2, 2, 0, 0, 1, 1});
  CHECK(breakdown_row(html, "owner", "<th class=\"utrecht-table__header-cell\" scope=\"row\">Totaal") ==
        row{4, 3, 4, 2, 0, 1, 1});
  CHECK(breakdown_row(html, "category", "data-rk-key=\"gemeentelijk_beleid\"") == row{1, 1, 2, 2, 0, 0, 0});
  CHECK(breakdown_row(html, "category", "data-rk-key=\"formulier_brief\"") == row{1, 1, 1, 0, 0, 1, 0});
  CHECK(breakdown_row(html, "category", "data-rk-key=\"ict_systeem\"") == row{1, 1, 1, 0, 0, 0, 1});
  CHECK(breakdown_row(html, "category", "data-rk-key=\"anders\"") == row{1, 0, 0, 0, 0, 0, 0});

  // The page and the JSON agree, summed over the period.
  const auto api = s.get_as(s.manager, "/api/v1/stats/monthly?from=2026-01&to=2026-03").json();
  for (const auto& [by, table] : {std::pair<std::string, std::string>{"by_department", "department"},
                                  {"by_owner_department", "owner"},
                                  {"by_category", "category"}}) {
    std::map<std::string, row> sums;
    for (const auto& m : api.at("months"))
      for (const auto& [key, c] : m.at(by).items()) {
        auto& r = sums[key];
        if (r.empty()) r.assign(3, 0);
        r[0] += c.at("received").get<long>();
        r[1] += c.at("decided").get<long>();
        r[2] += c.at("rejected").get<long>();
      }
    for (const auto& [key, expected] : sums) {
      const auto got = breakdown_row(html, table, "data-rk-key=\"" + key + "\"");
      REQUIRE(got.size() == 7);
      CHECK(row{got[0], got[1], got[5]} == expected);
    }
  }

  // A department that is no longer active keeps its label, marked, while it has figures in the
  // period; one without figures is left out. A label is text, escaped.
  const auto patch = [&](const std::string& target, const std::string& body) {
    auto h = bearer(s.admin);
    h.emplace_back("Content-Type", "application/json");
    return request(s.port(), verb::patch, target, body, h);
  };
  REQUIRE(patch("/api/v1/departments/szw", R"({"active": false})").status == 200);
  REQUIRE(patch("/api/v1/departments/ocw", R"({"active": false})").status == 200);
  REQUIRE(patch("/api/v1/categories/anders", R"({"label": "Anders <overig> & \"rest\""})").status == 200);
  const auto after = s.get_as(s.manager, "/stats?from=2026-01&to=2026-03").body;
  CHECK(table_has(after, "department", ">Dienst Sociale Zaken en Werkgelegenheid (niet meer in gebruik)</th>"));
  CHECK(breakdown_row(after, "department", "data-rk-key=\"szw\"") == row{1, 0, 0, 0, 0, 0, 0});
  CHECK(breakdown_row(after, "department", "data-rk-key=\"ocw\"").empty());
  CHECK(breakdown_row(after, "owner", "data-rk-key=\"ocw\"").empty());
  CHECK(breakdown_row(after, "department", "<th class=\"utrecht-table__header-cell\" scope=\"row\">Totaal") ==
        row{4, 3, 4, 2, 0, 1, 1});
  CHECK(table_has(after, "category", ">Anders &lt;overig&gt; &amp; &quot;rest&quot;</th>"));
  CHECK(after.find("<overig>") == std::string::npos);
  // With a filter the tables show the filtered figures.
  const auto filtered = s.get_as(s.manager, "/stats?from=2026-01&to=2026-03&department=bsd").body;
  CHECK(breakdown_row(filtered, "category", "data-rk-key=\"formulier_brief\"") == row{1, 1, 1, 0, 0, 1, 0});
  CHECK(breakdown_row(filtered, "category", "data-rk-key=\"gemeentelijk_beleid\"") == row{0, 0, 0, 0, 0, 0, 0});
  CHECK(breakdown_row(filtered, "owner", "data-rk-label=\"Nog geen dienst toegewezen\"") == row{2, 2, 2, 0, 0, 1, 1});
}

TEST_CASE("months that have not begun: the default period stops at this month, the page shows no backlog for them",
          "[integration][stats]") {
  stats_server s(false);
  REQUIRE(post_json(s.port(), "/api/v1/reports", valid_report("Nog open")).status == 201);
  const auto this_month = s.get_as(s.manager, "/api/v1/stats/monthly").json().at("months").back().at("month").get<std::string>();
  int year = std::stoi(this_month.substr(0, 4)), number = std::stoi(this_month.substr(5, 2));
  const auto later = [&](int n) {
    const int k = year * 12 + number - 1 + n;
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d", k / 12, k % 12 + 1);
    return std::string(text);
  };
  // Only a first month: twelve months from it, but not into months to come.
  const auto from_now = s.get_as(s.manager, "/api/v1/stats/monthly?from=" + this_month).json();
  REQUIRE(from_now.at("months").size() == 1);
  CHECK(from_now.at("months")[0].at("month") == this_month);
  const auto from_earlier = s.get_as(s.manager, "/api/v1/stats/monthly?from=" + later(-3)).json();
  CHECK(from_earlier.at("months").size() == 4);
  CHECK(from_earlier.at("months").back().at("month") == this_month);

  // Asked for explicitly, months to come are listed; the page marks them and gives no backlog.
  const auto page = s.get_as(s.manager, "/stats?from=" + this_month + "&to=" + later(2)).body;
  std::size_t marked = 0;
  for (auto at = page.find("(nog niet begonnen)"); at != std::string::npos; at = page.find("(nog niet begonnen)", at + 1))
    ++marked;
  CHECK(marked >= 2);  // two months, in each table of months
  CHECK(page.find("(komt nog)") == std::string::npos);
  CHECK(page.find("id=\"rk-figure-open\">1</dd>") != std::string::npos);
  CHECK(page.find("data-rk-value=\"\">–</td>") != std::string::npos);
  CHECK(page.find("<dt>Nu open (de periode loopt nog)</dt>") != std::string::npos);

  // A period that has not begun gives no backlog and says why, rather than "0 open".
  const auto future = s.get_as(s.manager, "/stats?from=" + later(2) + "&to=" + later(4)).body;
  CHECK(future.find("Deze periode is nog niet begonnen") != std::string::npos);
  CHECK(future.find("id=\"rk-figure-open\">–</dd>") != std::string::npos);
  CHECK(future.find("geen melding open") == std::string::npos);
}
