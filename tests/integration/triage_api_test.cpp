// The team's endpoints over real HTTP against the real binary: the list with filters, search
// and cursors; one report with history, ETag and role-dependent identity; PATCH with If-Match
// (incl. the race of two saves); comments; reporter replies; the week view and its CSV; and
// every 4xx on the way.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "harness.hpp"
#include "rodeknop/domain/calendar.hpp"

using namespace rk_test;
using nlohmann::json;
namespace http = boost::beast::http;

namespace {

// A server with a triager, a manager and an admin, and their API tokens.
struct team_server {
  temp_dir dir;
  std::string db = dir.file("rk.db");
  std::string triager, manager, admin;
  std::unique_ptr<server_process> srv;
  explicit team_server(std::vector<std::string> args = {}) {
    add_user(db, "anna", "triager");
    triager = create_token(db, "anna-script", "triager");
    manager = create_token(db, "powerbi", "manager");
    admin = create_token(db, "beheer", "admin");
    srv = std::make_unique<server_process>(db, std::move(args));
  }
  unsigned short port() const { return srv->port(); }
  header_list as_triager() const { return bearer(triager); }
  header_list as_manager() const { return bearer(manager); }
};

struct created {
  std::int64_t id;
  std::string reference;
  std::string token;
};

created submit(unsigned short port, const std::string& title, json extra = json::object()) {
  auto body = valid_report(title);
  for (auto& [k, v] : extra.items()) body[k] = v;
  const auto r = post_json(port, "/api/v1/reports", body);
  INFO(r.body);
  REQUIRE(r.status == 201);
  const auto j = r.json();
  return {j.at("id").get<std::int64_t>(), j.at("reference").get<std::string>(), j.at("tracking_token").get<std::string>()};
}

response patch(unsigned short port, std::int64_t id, const json& body, const header_list& auth,
               std::optional<std::string> if_match) {
  header_list h{{"Content-Type", "application/json"}};
  if (if_match) h.emplace_back("If-Match", *if_match);
  h.insert(h.end(), auth.begin(), auth.end());
  return request(port, http::verb::patch, "/api/v1/reports/" + std::to_string(id), body.dump(), h);
}

std::string etag_of(unsigned short port, std::int64_t id, const header_list& auth) {
  const auto r = get(port, "/api/v1/reports/" + std::to_string(id), auth);
  REQUIRE(r.status == 200);
  return r.header("etag");
}

std::vector<std::int64_t> item_ids(const json& page) {
  std::vector<std::int64_t> out;
  for (const auto& i : page.at("items")) out.push_back(i.at("id").get<std::int64_t>());
  return out;
}

std::string current_week() {
  namespace domain = rodeknop::domain;
  return domain::format_iso_week(domain::amsterdam_week(domain::now()));
}

}  // namespace

TEST_CASE("GET /api/v1/reports lists newest first with filters and cursor pages", "[triage][list]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Parkeervergunning mantelzorgers", {{"department", "dpz"}});
  const auto b = submit(port, "Kwijtschelding belastingen", {{"department", "szw"}});
  const auto c = submit(port, "Afvalpas nieuwe bewoners", {{"department", "dpz"}, {"category", "ict_systeem"}});

  auto r = get(port, "/api/v1/reports", s.as_triager());
  REQUIRE(r.status == 200);
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{c.id, b.id, a.id});
  CHECK(r.json().at("next_cursor").is_null());
  const auto item = r.json().at("items").at(0);
  for (const char* key : {"id", "reference", "title", "procedure", "description", "impact", "suggestion", "department",
                          "category", "reporter_name", "reporter_email", "status", "priority", "assignee",
                          "owner_department", "duplicate_of", "outcome", "created_at", "updated_at", "version"})
    CHECK(item.contains(key));

  r = get(port, "/api/v1/reports?sort=oldest", s.as_triager());
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{a.id, b.id, c.id});
  r = get(port, "/api/v1/reports?department=dpz", s.as_triager());
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{c.id, a.id});
  r = get(port, "/api/v1/reports?category=ict_systeem", s.as_triager());
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{c.id});
  r = get(port, "/api/v1/reports?status=new,accepted&week=" + current_week(), s.as_triager());
  CHECK(item_ids(r.json()).size() == 3);
  r = get(port, "/api/v1/reports?status=rejected", s.as_triager());
  CHECK(item_ids(r.json()).empty());
  r = get(port, "/api/v1/reports?week=2020-W53", s.as_triager());
  CHECK(item_ids(r.json()).empty());

  r = get(port, "/api/v1/reports?limit=2", s.as_triager());
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{c.id, b.id});
  const auto cursor = r.json().at("next_cursor").get<std::string>();
  r = get(port, "/api/v1/reports?limit=2&cursor=" + cursor, s.as_triager());
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{a.id});
  CHECK(r.json().at("next_cursor").is_null());
}

TEST_CASE("GET /api/v1/reports refuses bad parameters with 422 naming each one", "[triage][list][errors]") {
  team_server s;
  const auto port = s.port();
  const std::pair<const char*, const char*> bad[] = {
      {"status=open", "status"},        {"department=nope", "department"}, {"category=nope", "category"},
      {"week=2026-W54", "week"},        {"week=2025-W53", "week"},         {"week=2026-w05", "week"},
      {"sort=random", "sort"},          {"limit=0", "limit"},              {"limit=201", "limit"},
      {"limit=ten", "limit"},           {"cursor=garbage", "cursor"},      {"cursor=o1-1", "cursor"},
      // A filter the list does not have must not look applied; nor may a second value.
      {"assignee=anna", "assignee"},    {"priority=high", "priority"},     {"offset=10", "offset"},
      {"status=new&status=accepted", "status"}, {"limit=5&limit=7", "limit"}};
  for (const auto& [query, field] : bad) {
    const auto r = get(port, std::string("/api/v1/reports?") + query, s.as_triager());
    INFO(query << ": " << r.body);
    require_error(r, 422, "validation_failed");
    CHECK(r.json().at("error").at("fields").contains(field));
  }
  const auto repeated = get(port, "/api/v1/reports?status=new&status=accepted", s.as_triager());
  CHECK(repeated.json().at("error").at("fields").at("status").get<std::string>().find("commas") != std::string::npos);
  const auto week = get(port, "/api/v1/triage/" + current_week() + "?status=new", s.as_triager());
  require_error(week, 422, "validation_failed");
  CHECK(week.json().at("error").at("fields").contains("status"));
  CHECK(get(port, "/api/v1/triage/" + current_week() + "?limit=10&format=json", s.as_triager()).status == 200);
  const auto two = get(port, "/api/v1/reports?sort=random&limit=0", s.as_triager());
  CHECK(two.json().at("error").at("fields").size() == 2);
  require_error(get(port, "/api/v1/reports"), 401, "unauthenticated");
  CHECK(get(port, "/api/v1/reports?limit=200", s.as_triager()).status == 200);
}

TEST_CASE("every team GET refuses a parameter it does not take with 422 naming it", "[triage][errors]") {
  team_server s;
  const auto port = s.port();
  const auto report = submit(port, "Een melding om op te vragen");
  const auto id = std::to_string(report.id);
  for (const std::string& path : std::vector<std::string>{"/api/v1/reports/" + id, "/api/v1/session", "/api/v1/events"}) {
    const auto r = get(port, path + "?status=new", s.as_triager());
    INFO(path << ": " << r.body);
    require_error(r, 422, "validation_failed");
    CHECK(r.json().at("error").at("fields").contains("status"));
  }
  CHECK(get(port, "/api/v1/reports/" + id, s.as_triager()).status == 200);
}

TEST_CASE("full-text search ignores case and diacritics", "[triage][list][fts]") {
  team_server s;
  const auto port = s.port();
  const auto regel = submit(port, "Een Regel die niemand begrijpt");
  const auto reeel = submit(port, "Het inkomen moet reëel zijn");
  submit(port, "Iets heel anders");
  CHECK(item_ids(get(port, "/api/v1/reports?q=regel", s.as_triager()).json()) == std::vector<std::int64_t>{regel.id});
  CHECK(item_ids(get(port, "/api/v1/reports?q=REGEL%20begrijpt", s.as_triager()).json()) ==
        std::vector<std::int64_t>{regel.id});
  CHECK(item_ids(get(port, "/api/v1/reports?q=reeel", s.as_triager()).json()) == std::vector<std::int64_t>{reeel.id});
  CHECK(item_ids(get(port, "/api/v1/reports?q=re%C3%ABel", s.as_triager()).json()) ==
        std::vector<std::int64_t>{reeel.id});
  CHECK(item_ids(get(port, "/api/v1/reports?q=%22%20OR%20*", s.as_triager()).json()).empty());  // no FTS syntax errors
  CHECK(item_ids(get(port, "/api/v1/reports?q=!!!", s.as_triager()).json()).empty());
  // Only spaces: no search at all, as an empty q.
  CHECK(item_ids(get(port, "/api/v1/reports?q=%20%20", s.as_triager()).json()).size() == 3);
}

TEST_CASE("cursor pages neither skip nor repeat while reports arrive", "[triage][list][cursor]") {
  team_server s;
  const auto port = s.port();
  std::set<std::int64_t> originals;
  for (int i = 0; i < 30; ++i) originals.insert(submit(port, "Melding " + std::to_string(i)).id);

  std::atomic<bool> stop{false};
  std::atomic<int> arrived{0};
  auto writer = std::async(std::launch::async, [&] {
    while (!stop) {
      if (post_json(port, "/api/v1/reports", valid_report("Tussendoor")).status == 201) ++arrived;
    }
  });
  std::vector<std::int64_t> seen;
  std::string cursor;
  for (int page = 0; page < 50; ++page) {
    const auto r = get(port, "/api/v1/reports?limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor), s.as_triager());
    REQUIRE(r.status == 200);
    for (auto id : item_ids(r.json())) seen.push_back(id);
    if (r.json().at("next_cursor").is_null()) break;
    cursor = r.json().at("next_cursor").get<std::string>();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  writer.get();
  CHECK(arrived > 0);
  // Newest first from the moment of the first page: every original once, in order, nothing else
  // from after the first page.
  const std::set<std::int64_t> unique(seen.begin(), seen.end());
  CHECK(unique.size() == seen.size());
  for (auto id : originals) CHECK(unique.count(id) == 1);
  CHECK(std::is_sorted(seen.rbegin(), seen.rend()));
}

TEST_CASE("GET /api/v1/reports/{id}: ETag, history, comments, and identity only for triagers", "[triage][report]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Parkeervergunning voor mantelzorgers vervalt",
                        {{"reporter_name", "Fatima el Amrani"}, {"reporter_email", "f.elamrani@denhaag.nl"}});
  const auto b = submit(port, "Parkeervergunning mantelzorgers vervalt te snel");

  auto r = get(port, "/api/v1/reports/" + std::to_string(a.id), s.as_triager());
  REQUIRE(r.status == 200);
  CHECK(r.header("etag") == "\"1\"");
  auto j = r.json();
  CHECK(j.at("reporter_name") == "Fatima el Amrani");
  CHECK(j.at("reporter_email") == "f.elamrani@denhaag.nl");
  REQUIRE(j.at("history").size() == 1);
  CHECK(j.at("history")[0].at("type") == "created");
  CHECK(j.at("history")[0].at("actor") == "reporter");
  CHECK(j.at("comments").empty());
  REQUIRE(j.at("similar").size() >= 1);
  CHECK(j.at("similar")[0].at("id") == b.id);
  for (const auto& sim : j.at("similar")) CHECK(sim.at("id") != a.id);

  r = get(port, "/api/v1/reports/" + std::to_string(a.id), s.as_manager());
  REQUIRE(r.status == 200);
  j = r.json();
  CHECK_FALSE(j.contains("reporter_name"));
  CHECK_FALSE(j.contains("reporter_email"));
  CHECK_FALSE(j.contains("reporter_identity"));
  CHECK(r.body.find("Fatima") == std::string::npos);
  // Nor in the list.
  r = get(port, "/api/v1/reports", s.as_manager());
  CHECK(r.body.find("Fatima") == std::string::npos);
  CHECK(r.body.find("reporter_email") == std::string::npos);

  require_error(get(port, "/api/v1/reports/999", s.as_triager()), 404, "not_found");
  require_error(get(port, "/api/v1/reports/abc", s.as_triager()), 404, "not_found");
  require_error(get(port, "/api/v1/reports/0", s.as_triager()), 404, "not_found");
  // One spelling per report, as for its page: leading zeros name none.
  CHECK(get(port, "/api/v1/reports/" + std::to_string(a.id), s.as_triager()).status == 200);
  require_error(get(port, "/api/v1/reports/0" + std::to_string(a.id), s.as_triager()), 404, "not_found");
  require_error(get(port, "/api/v1/reports/1"), 401, "unauthenticated");
}

TEST_CASE("PATCH applies the workflow with If-Match, one event per change", "[triage][patch]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Een melding");
  const auto path = "/api/v1/reports/" + std::to_string(a.id);

  require_error(patch(port, a.id, {{"status", "accepted"}}, s.as_triager(), std::nullopt), 428, "precondition_required");
  require_error(patch(port, a.id, {{"status", "accepted"}}, s.as_triager(), "*"), 428, "precondition_required");
  require_error(patch(port, a.id, {{"status", "accepted"}}, s.as_triager(), "\"7\""), 412, "version_conflict");
  require_error(patch(port, a.id, {{"status", "accepted"}}, s.as_manager(), "\"1\""), 403, "forbidden");
  require_error(patch(port, 999, {{"status", "accepted"}}, s.as_triager(), "\"1\""), 404, "not_found");

  auto r = patch(port, a.id, {{"status", "accepted"}, {"priority", "high"}, {"assignee", "anna"}, {"owner_department", "dso"}},
                 s.as_triager(), "\"1\"");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.header("etag") == "\"2\"");
  auto j = r.json();
  CHECK(j.at("status") == "accepted");
  CHECK(j.at("priority") == "high");
  CHECK(j.at("assignee") == "anna");
  CHECK(j.at("owner_department") == "dso");
  CHECK(j.at("version") == 2);
  REQUIRE(j.at("history").size() == 5);
  const auto& st = j.at("history")[1];
  CHECK(st.at("type") == "status");
  CHECK(st.at("actor") == "token:anna-script");
  CHECK(st.at("from") == "new");
  CHECK(st.at("to") == "accepted");
  CHECK(st.at("note").is_null());
  CHECK(j.at("history")[2].at("type") == "priority");
  CHECK(j.at("history")[2].at("from") == "normal");
  CHECK(j.at("history")[2].at("to") == "high");
  CHECK(j.at("history")[3].at("type") == "assignee");
  CHECK(j.at("history")[4].at("type") == "owner_department");

  // The old version is stale now.
  require_error(patch(port, a.id, {{"priority", "low"}}, s.as_triager(), "\"1\""), 412, "version_conflict");
  // Resolved needs an outcome; with it, the status event carries the outcome.
  r = patch(port, a.id, {{"status", "resolved"}}, s.as_triager(), "\"2\"");
  require_error(r, 422, "validation_failed");
  CHECK(r.json().at("error").at("fields").contains("outcome"));
  r = patch(port, a.id, {{"status", "resolved"}, {"outcome", "rule_abolished"}, {"note", "Regel geschrapt."}},
            s.as_triager(), "\"2\"");
  REQUIRE(r.status == 200);
  j = r.json();
  CHECK(j.at("outcome") == "rule_abolished");
  CHECK(j.at("history").back().at("outcome") == "rule_abolished");
  CHECK(j.at("history").back().at("note") == "Regel geschrapt.");
  // Reopening needs a note.
  r = patch(port, a.id, {{"status", "accepted"}}, s.as_triager(), "\"3\"");
  require_error(r, 422, "validation_failed");
  CHECK(r.json().at("error").at("fields").contains("note"));
  r = patch(port, a.id, {{"status", "accepted"}, {"note", "Werkt nog niet."}}, s.as_triager(), "\"3\"");
  REQUIRE(r.status == 200);
  CHECK(r.json().at("outcome").is_null());
  // The GET agrees.
  r = get(port, path, s.as_triager());
  CHECK(r.header("etag") == "\"4\"");
  CHECK(r.json().at("status") == "accepted");
}

TEST_CASE("PATCH refuses bad bodies: 400, 415, 422 for each rule", "[triage][patch][errors]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Een melding");
  const auto b = submit(port, "Een andere melding");
  const auto path = "/api/v1/reports/" + std::to_string(a.id);
  const auto v1 = std::optional<std::string>("\"1\"");

  auto h = s.as_triager();
  h.emplace_back("If-Match", "\"1\"");
  h.emplace_back("Content-Type", "text/plain");
  require_error(request(port, http::verb::patch, path, "{}", h), 415, "unsupported_media_type");
  h.back().second = "application/json";
  require_error(request(port, http::verb::patch, path, "{not json", h), 400, "invalid_json");
  require_error(request(port, http::verb::patch, path, "[1]", h), 400, "invalid_json");
  require_error(request(port, http::verb::patch, path, R"({"priority":"high","priority":"low"})", h), 400,
                "duplicate_field");
  require_error(patch(port, a.id, {{"status", "accepted"}, {"version", 3}}, s.as_triager(), v1), 400, "unknown_field");
  require_error(patch(port, a.id, {{"status", 3}}, s.as_triager(), v1), 400, "wrong_type");
  require_error(patch(port, a.id, {{"duplicate_of", "2"}}, s.as_triager(), v1), 400, "wrong_type");
  require_error(patch(port, a.id, {{"duplicate_of", 1.5}}, s.as_triager(), v1), 400, "wrong_type");
  require_error(patch(port, a.id, json::object(), s.as_triager(), v1), 422, "nothing_to_change");

  const std::vector<std::pair<json, const char*>> refused = {
      {{{"status", "closed"}}, "status"},
      {{{"status", "resolved"}, {"outcome", "rule_abolished"}}, "status"},  // new → resolved is no step
      {{{"status", "rejected"}}, "note"},
      {{{"status", "duplicate"}}, "duplicate_of"},
      {{{"status", "duplicate"}, {"duplicate_of", a.id}}, "duplicate_of"},
      {{{"status", "duplicate"}, {"duplicate_of", 4242}}, "duplicate_of"},
      {{{"priority", "asap"}}, "priority"},
      {{{"outcome", "explained"}}, "outcome"},
      {{{"owner_department", "nope"}}, "owner_department"},
      {{{"note", "los"}}, "note"},
      {{{"assignee", std::string(101, 'x')}}, "assignee"},
      {{{"status", "rejected"}, {"note", std::string(5001, 'x')}}, "note"},
      // A link only with the status duplicate: not on a new or accepted report.
      {{{"duplicate_of", b.id}}, "duplicate_of"},
      {{{"status", "accepted"}, {"duplicate_of", b.id}}, "duplicate_of"},
  };
  for (const auto& [body, field] : refused) {
    const auto r = patch(port, a.id, body, s.as_triager(), v1);
    INFO(body.dump() << ": " << r.body);
    require_error(r, 422, "validation_failed");
    CHECK(r.json().at("error").at("fields").contains(field));
  }
  // Nothing was written by any of them.
  CHECK(etag_of(port, a.id, s.as_triager()) == "\"1\"");

  // A cycle of duplicates: b → a, then a → b.
  REQUIRE(patch(port, b.id, {{"status", "duplicate"}, {"duplicate_of", a.id}}, s.as_triager(), v1).status == 200);
  const auto r = patch(port, a.id, {{"status", "duplicate"}, {"duplicate_of", b.id}}, s.as_triager(), v1);
  require_error(r, 422, "validation_failed");
  CHECK(r.json().at("error").at("fields").at("duplicate_of").get<std::string>().find("cycle") != std::string::npos);

  // A duplicate of a duplicate would point the reporter to a closed copy: the answer names the
  // original to choose instead.
  const auto c = submit(port, "Nog een melding");
  const auto copy = patch(port, c.id, {{"status", "duplicate"}, {"duplicate_of", b.id}}, s.as_triager(), v1);
  require_error(copy, 422, "validation_failed");
  CHECK(copy.json().at("error").at("fields").at("duplicate_of").get<std::string>().find(a.reference) !=
        std::string::npos);
  CHECK(patch(port, c.id, {{"status", "duplicate"}, {"duplicate_of", a.id}}, s.as_triager(), v1).status == 200);
}

TEST_CASE("two PATCHes on one version: exactly one wins, the other gets 412", "[triage][patch][race]") {
  team_server s;
  const auto port = s.port();
  for (int round = 0; round < 8; ++round) {
    const auto a = submit(port, "Race " + std::to_string(round));
    std::promise<void> go;
    auto start = go.get_future().share();
    auto save = [&](json body) {
      return std::async(std::launch::async, [&, body, start] {
        start.wait();
        return patch(port, a.id, body, s.as_triager(), "\"1\"");
      });
    };
    auto one = save({{"status", "accepted"}});
    auto two = save({{"status", "rejected"}, {"note", "Geen belemmering."}});
    go.set_value();
    const auto r1 = one.get();
    const auto r2 = two.get();
    INFO(r1.body << " / " << r2.body);
    CHECK(std::multiset<unsigned>{r1.status, r2.status} == std::multiset<unsigned>{200, 412});
    const auto j = get(port, "/api/v1/reports/" + std::to_string(a.id), s.as_triager()).json();
    CHECK(j.at("version") == 2);
    CHECK(j.at("history").size() == 2);  // created + the winner's status event
    const auto& winner = r1.status == 200 ? r1 : r2;
    CHECK(j.at("status") == winner.json().at("status"));
  }
}

TEST_CASE("a session needs the CSRF header to PATCH, a manager session may read but not change", "[triage][patch][access]") {
  team_server s;
  add_user(s.db, "mo", "manager");
  const auto port = s.port();
  const auto a = submit(port, "Een melding", {{"reporter_name", "Jan de Vries"}});
  const auto anna = login(port, "anna");
  require_error(patch(port, a.id, {{"status", "accepted"}}, anna.headers(false), "\"1\""), 403, "csrf_failed");
  CHECK(patch(port, a.id, {{"status", "accepted"}}, anna.headers(), "\"1\"").status == 200);
  const auto mo = login(port, "mo");
  require_error(patch(port, a.id, {{"priority", "low"}}, mo.headers(), "\"2\""), 403, "forbidden");
  const auto seen = get(port, "/api/v1/reports/" + std::to_string(a.id), mo.headers());
  REQUIRE(seen.status == 200);
  CHECK_FALSE(seen.json().contains("reporter_name"));
  const auto comment = post_json(port, "/api/v1/reports/" + std::to_string(a.id) + "/comments", {{"body", "x"}}, mo.headers());
  require_error(comment, 403, "forbidden");
}

TEST_CASE("comments: internal or for the reporter, with their events", "[triage][comments]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Een melding");
  const auto path = "/api/v1/reports/" + std::to_string(a.id) + "/comments";

  auto r = post_json(port, path, {{"body", "Intern: navragen bij juridische zaken."}}, s.as_triager());
  REQUIRE(r.status == 201);
  CHECK(r.json().at("visibility") == "internal");
  CHECK(r.json().at("author") == "token:anna-script");
  CHECK(r.header("etag") == "\"2\"");
  r = post_json(port, path, {{"body", "Kunt u een voorbeeld geven?"}, {"visibility", "reporter"}}, s.as_triager());
  REQUIRE(r.status == 201);

  const auto j = get(port, "/api/v1/reports/" + std::to_string(a.id), s.as_triager()).json();
  REQUIRE(j.at("comments").size() == 2);
  CHECK(j.at("history").back().at("type") == "comment");
  CHECK(j.at("history").back().at("body") == "Kunt u een voorbeeld geven?");
  CHECK(j.at("version") == 3);

  // The reporter sees the one meant for them, not the internal one.
  const auto track = get(port, "/api/v1/track/" + a.token).json();
  REQUIRE(track.at("messages").size() == 1);
  CHECK(track.at("messages")[0].at("body") == "Kunt u een voorbeeld geven?");

  require_error(post_json(port, path, {{"body", "  "}}, s.as_triager()), 422, "validation_failed");
  require_error(post_json(port, path, {{"body", std::string(5001, 'x')}}, s.as_triager()), 422, "validation_failed");
  r = post_json(port, path, {{"body", "x"}, {"visibility", "public"}}, s.as_triager());
  require_error(r, 422, "validation_failed");
  CHECK(r.json().at("error").at("fields").contains("visibility"));
  require_error(post_json(port, path, {{"body", "x"}, {"author", "mallory"}}, s.as_triager()), 400, "unknown_field");
  require_error(post_json(port, path, {{"body", 5}}, s.as_triager()), 400, "wrong_type");
  require_error(post_json(port, "/api/v1/reports/999/comments", {{"body", "x"}}, s.as_triager()), 404, "not_found");
  require_error(post_json(port, path, {{"body", "x"}}), 401, "unauthenticated");
}

TEST_CASE("a reporter's reply is a reply event and puts needs_info back into the queue", "[triage][reply]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Een melding");
  REQUIRE(patch(port, a.id, {{"status", "needs_info"}, {"note", "Graag een voorbeeld."}}, s.as_triager(), "\"1\"").status ==
          200);
  const auto reply = post_json(port, "/api/v1/track/" + a.token + "/replies", {{"body", "Vorige week nog."}});
  REQUIRE(reply.status == 201);
  CHECK(reply.json().at("status") == "new");
  const auto j = get(port, "/api/v1/reports/" + std::to_string(a.id), s.as_triager()).json();
  CHECK(j.at("status") == "new");
  const auto& h = j.at("history");
  REQUIRE(h.size() == 4);
  CHECK(h[2].at("type") == "reply");
  CHECK(h[2].at("actor") == "reporter");
  CHECK(h[2].at("body") == "Vorige week nog.");
  CHECK(h[3].at("type") == "status");
  CHECK(h[3].at("from") == "needs_info");
  CHECK(h[3].at("to") == "new");
  // Back in this week's queue.
  const auto week = get(port, "/api/v1/triage/" + current_week(), s.as_triager()).json();
  REQUIRE(week.at("queue").size() == 1);
  CHECK(week.at("queue")[0].at("id") == a.id);
}

TEST_CASE("the dashboards' answers come gzip-compressed to clients that ask, identical once inflated",
          "[triage][compression]") {
  team_server s;
  const auto port = s.port();
  for (int i = 0; i < 12; ++i) submit(port, "Melding nummer " + std::to_string(i) + " over dezelfde formulieren");
  const auto week = current_week();
  for (const std::string& target : {"/api/v1/triage/" + week, std::string("/api/v1/reports?status=new&sort=oldest&limit=50")}) {
    INFO(target);
    const auto plain = get(port, target, s.as_triager());
    REQUIRE(plain.status == 200);
    CHECK(plain.header("content-encoding").empty());
    CHECK(plain.header("vary").find("Accept-Encoding") != std::string::npos);
    auto h = s.as_triager();
    h.emplace_back("Accept-Encoding", "gzip, deflate, br");
    const auto packed = get(port, target, h);
    REQUIRE(packed.status == 200);
    CHECK(packed.header("content-encoding") == "gzip");
    CHECK(packed.header("vary").find("Accept-Encoding") != std::string::npos);
    CHECK(packed.header("content-length") == std::to_string(packed.body.size()));
    CHECK(packed.body.size() * 3 < plain.body.size());
    // The same document (the week view's `as_of` is the moment of asking, which may have moved
    // on by a second between the two).
    auto unpacked = nlohmann::json::parse(gunzip(packed.body));
    auto expected = plain.json();
    unpacked.erase("as_of");
    expected.erase("as_of");
    CHECK(unpacked == expected);
    // A client that refuses gzip gets it plain.
    auto refused = s.as_triager();
    refused.emplace_back("Accept-Encoding", "gzip;q=0, identity");
    CHECK(get(port, target, refused).header("content-encoding").empty());
  }
  // Statistics too (a manager's token).
  auto h = s.as_manager();
  h.emplace_back("Accept-Encoding", "gzip");
  const auto stats = get(port, "/api/v1/stats/monthly", h);
  REQUIRE(stats.status == 200);
  CHECK(stats.header("content-encoding") == "gzip");
  CHECK(nlohmann::json::parse(gunzip(stats.body)).at("months").size() == 12);
}

TEST_CASE("the week view: queue with age, decisions, stale, 422 for weeks that do not exist", "[triage][week]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Wacht in de rij", {{"reporter_name", "Kees Bakker"}});
  const auto b = submit(port, "=HYPERLINK(\"http://evil\";\"klik\")");
  REQUIRE(patch(port, b.id, {{"status", "rejected"}, {"note", "-Geen belemmering; uitgelegd."}}, s.as_triager(), "\"1\"")
              .status == 200);
  const auto week = current_week();

  auto r = get(port, "/api/v1/triage/" + week, s.as_triager());
  REQUIRE(r.status == 200);
  auto j = r.json();
  CHECK(j.at("week") == week);
  REQUIRE(j.at("queue").size() == 1);
  CHECK(j.at("queue")[0].at("id") == a.id);
  CHECK(j.at("queue")[0].at("age_days") == 0);
  CHECK(j.at("queue")[0].at("reporter_name") == "Kees Bakker");
  REQUIRE(j.at("decisions").size() == 1);
  const auto& d = j.at("decisions")[0];
  CHECK(d.at("id") == b.id);
  CHECK(d.at("reference") == b.reference);
  CHECK(d.at("from") == "new");
  CHECK(d.at("to") == "rejected");
  CHECK(d.at("actor") == "token:anna-script");
  CHECK(j.at("stale").empty());

  r = get(port, "/api/v1/triage/" + week, s.as_manager());
  REQUIRE(r.status == 200);
  CHECK_FALSE(r.json().at("queue")[0].contains("reporter_name"));

  for (const char* bad : {"2026-W54", "2025-W53", "2026-W00", "2026-w05", "2026W05", "week"}) {
    const auto e = get(port, std::string("/api/v1/triage/") + bad, s.as_triager());
    INFO(bad);
    require_error(e, 422, "validation_failed");
    CHECK(e.json().at("error").at("fields").contains("week"));
  }
  CHECK(get(port, "/api/v1/triage/2026-W53", s.as_triager()).status == 200);
  CHECK(get(port, "/api/v1/triage/2020-W53", s.as_triager()).status == 200);
  // A week that has not begun: the lists as they stand now (as_of before starts_at), no decisions.
  const auto future = get(port, "/api/v1/triage/9998-W10", s.as_triager()).json();
  CHECK(future.at("as_of").get<std::string>() < future.at("starts_at").get<std::string>());
  CHECK(future.at("decisions").empty());
  REQUIRE(future.at("queue").size() == 1);
  CHECK(future.at("queue")[0].at("id") == a.id);
  CHECK(future.at("queue")[0].at("age_days") == 0);
  require_error(get(port, "/api/v1/triage/" + week + "?limit=0", s.as_triager()), 422, "validation_failed");
  require_error(get(port, "/api/v1/triage/" + week + "?format=xml", s.as_triager()), 422, "validation_failed");
  require_error(get(port, "/api/v1/triage/" + week), 401, "unauthenticated");
}

TEST_CASE("the week's decisions as CSV: BOM, header, quoting, neutralised formulas, filename", "[triage][week][csv]") {
  team_server s;
  const auto port = s.port();
  const auto b = submit(port, "=HYPERLINK(\"http://evil\";\"klik\")");
  REQUIRE(patch(port, b.id, {{"status", "rejected"}, {"note", "@Geen belemmering, uitgelegd."}}, s.as_triager(), "\"1\"")
              .status == 200);
  const auto week = current_week();

  auto h = s.as_triager();
  h.emplace_back("Accept", "text/csv");
  auto r = get(port, "/api/v1/triage/" + week, h);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type").rfind("text/csv", 0) == 0);
  CHECK(r.header("content-disposition") == "attachment; filename=\"rodeknop-decisions-" + week + ".csv\"");
  REQUIRE(r.body.rfind("\xEF\xBB\xBF", 0) == 0);
  const auto header_end = r.body.find("\r\n");
  CHECK(r.body.substr(3, header_end - 3) ==
        "week,at,local_time,id,reference,title,from,to,outcome,note,actor,duplicate_of_reference");
  CHECK(r.body.find("\"'=HYPERLINK(\"\"http://evil\"\";\"\"klik\"\")\"") != std::string::npos);
  CHECK(r.body.find("\"'@Geen belemmering, uitgelegd.\"") != std::string::npos);
  CHECK(r.body.find(",new,rejected,,") != std::string::npos);
  CHECK(r.body.substr(r.body.size() - 2) == "\r\n");

  // Quality values count: CSV only when the client ranks it at least as high as JSON.
  auto ranked = s.as_triager();
  ranked.emplace_back("Accept", "application/json;q=1, text/csv;q=0");
  CHECK(get(port, "/api/v1/triage/" + week, ranked).header("content-type").rfind("application/json", 0) == 0);
  ranked.back().second = "text/csv;q=0.1, application/json";
  CHECK(get(port, "/api/v1/triage/" + week, ranked).header("content-type").rfind("application/json", 0) == 0);

  r = get(port, "/api/v1/triage/" + week + "?format=csv&delimiter=semicolon", s.as_triager());
  REQUIRE(r.status == 200);
  CHECK(r.body.find("week;at;local_time;id;reference;title;from;to;outcome;note;actor;duplicate_of_reference\r\n") == 3);
  CHECK(r.body.find(";new;rejected;;'@Geen belemmering, uitgelegd.;") != std::string::npos);
  require_error(get(port, "/api/v1/triage/" + week + "?format=csv&delimiter=tab", s.as_triager()), 422,
                "validation_failed");

  // The dashboard's download is for people: Dutch column names and labels, a Dutch file name.
  r = get(port, "/api/v1/triage/" + week + "?format=csv&delimiter=semicolon&labels=nl", s.as_triager());
  REQUIRE(r.status == 200);
  CHECK(r.body.find("week;tijdstip (UTC);tijd (Nederland);id;kenmerk;titel;van;naar;uitkomst;toelichting;door;"
                    "dubbel van\r\n") == 3);
  CHECK(r.body.find(";Nieuw;Afgewezen;;'@Geen belemmering, uitgelegd.;") != std::string::npos);
  CHECK(r.header("content-disposition") == "attachment; filename=\"rodeknop-besluiten-" + week + ".csv\"");
  require_error(get(port, "/api/v1/triage/" + week + "?format=csv&labels=en", s.as_triager()), 422,
                "validation_failed");
  // format=json wins over Accept.
  r = get(port, "/api/v1/triage/" + week + "?format=json", h);
  CHECK(r.header("content-type") == "application/json");
}

TEST_CASE("the reporter reads the conversation in the order it happened, and the outcome", "[triage][reply][track]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Een melding");
  // Within one second: the team's question, a comment for the reporter, the answer, an internal
  // comment (never shown) and another comment. Sorting by time alone would mix them up.
  REQUIRE(patch(port, a.id, {{"status", "needs_info"}, {"note", "1 vraag"}}, s.as_triager(), "\"1\"").status == 200);
  const auto comment = [&](const char* body, const char* visibility) {
    auto h = s.as_triager();
    h.emplace_back("Content-Type", "application/json");
    REQUIRE(request(port, http::verb::post, "/api/v1/reports/" + std::to_string(a.id) + "/comments",
                    json{{"body", body}, {"visibility", visibility}}.dump(), h)
                .status == 201);
  };
  comment("2 opmerking", "reporter");
  REQUIRE(post_json(port, "/api/v1/track/" + a.token + "/replies", {{"body", "3 antwoord"}}).status == 201);
  comment("intern", "internal");
  comment("4 opmerking", "reporter");
  const auto view = get(port, "/api/v1/track/" + a.token).json();
  std::vector<std::string> bodies;
  for (const auto& m : view.at("messages")) bodies.push_back(m.at("body").get<std::string>());
  CHECK(bodies == std::vector<std::string>{"1 vraag", "2 opmerking", "3 antwoord", "4 opmerking"});
  CHECK(view.at("messages")[2].at("author") == "reporter");
  CHECK(view.at("messages")[1].at("author") == "team");
  // A decision's note says which decision it explains; comments and replies are no decision.
  CHECK(view.at("messages")[0].at("decision") == "needs_info");
  CHECK(view.at("messages")[1].at("decision").is_null());
  CHECK(view.at("messages")[2].at("decision").is_null());
  CHECK(get(port, "/volg/" + a.token).body.find("· besluit: Meer informatie nodig") != std::string::npos);
  CHECK(view.at("outcome").is_null());
  CHECK(view.at("duplicate_of_reference").is_null());

  // Work has started, then the team asks again (PRODUCT.md's diagram); resolved shows the outcome.
  auto version = etag_of(port, a.id, s.as_triager());
  REQUIRE(patch(port, a.id, {{"status", "accepted"}}, s.as_triager(), version).status == 200);
  REQUIRE(patch(port, a.id, {{"status", "in_progress"}}, s.as_triager(), etag_of(port, a.id, s.as_triager())).status == 200);
  REQUIRE(patch(port, a.id, {{"status", "needs_info"}, {"note", "Nog een vraag"}}, s.as_triager(),
                etag_of(port, a.id, s.as_triager()))
              .status == 200);
  REQUIRE(post_json(port, "/api/v1/track/" + a.token + "/replies", {{"body", "Antwoord"}}).status == 201);
  REQUIRE(patch(port, a.id, {{"status", "accepted"}}, s.as_triager(), etag_of(port, a.id, s.as_triager())).status == 200);
  REQUIRE(patch(port, a.id, {{"status", "resolved"}, {"outcome", "rule_abolished"}}, s.as_triager(),
                etag_of(port, a.id, s.as_triager()))
              .status == 200);
  const auto page = get(port, "/volg/" + a.token);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<dt class=\"utrecht-data-list__item-key\">Uitkomst</dt>") != std::string::npos);
  CHECK(page.body.find("Regel afgeschaft") != std::string::npos);
  CHECK(get(port, "/api/v1/track/" + a.token).json().at("outcome") == "rule_abolished");
}

TEST_CASE("the tracking page promises no message that the team did not write", "[triage][track]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Zonder vraag");
  REQUIRE(patch(port, a.id, {{"status", "needs_info"}}, s.as_triager(), "\"1\"").status == 200);
  const auto page = get(port, "/volg/" + a.token);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Lees de vraag bij de berichten") == std::string::npos);
  CHECK(page.body.find("Lees het bericht hieronder") == std::string::npos);
  CHECK(page.body.find("Vul uw melding aan") != std::string::npos);

  const auto b = submit(port, "Dubbel");
  REQUIRE(patch(port, b.id, {{"status", "duplicate"}, {"duplicate_of", a.id}}, s.as_triager(), "\"1\"").status == 200);
  const auto dup = get(port, "/volg/" + b.token);
  CHECK(dup.body.find("(melding " + a.reference + ")") != std::string::npos);
}

TEST_CASE("the week view lists replies to reports outside the queue, so that someone reads them", "[triage][week][reply]") {
  team_server s;
  const auto port = s.port();
  const auto queued = submit(port, "In de wachtrij");
  const auto taken = submit(port, "Opgepakt");
  const auto closed = submit(port, "Afgewezen");
  const auto silent = submit(port, "Zonder aanvulling");
  REQUIRE(patch(port, taken.id, {{"status", "accepted"}}, s.as_triager(), "\"1\"").status == 200);
  REQUIRE(patch(port, closed.id, {{"status", "rejected"}, {"note", "Geen belemmering."}}, s.as_triager(), "\"1\"").status ==
          200);
  REQUIRE(patch(port, silent.id, {{"status", "accepted"}}, s.as_triager(), "\"1\"").status == 200);
  for (const auto* r : {&queued, &taken, &closed})
    REQUIRE(post_json(port, "/api/v1/track/" + r->token + "/replies", {{"body", "Nog iets"}}).status == 201);

  const auto week = get(port, "/api/v1/triage/" + current_week(), s.as_triager()).json();
  std::set<std::int64_t> ids;
  for (const auto& r : week.at("replies")) ids.insert(r.at("id").get<std::int64_t>());
  // The queued report is in the queue already; the one without a reply is not listed.
  CHECK(ids == std::set<std::int64_t>{taken.id, closed.id});
  CHECK(week.at("truncated").at("replies") == false);
  // Another week has none of them.
  const auto previous = get(port, "/api/v1/triage/" + week.at("previous_week").get<std::string>(), s.as_triager()).json();
  CHECK(previous.at("replies").empty());
  // At the ends of the weeks the program takes, there is no week to go to.
  const auto first = get(port, "/api/v1/triage/1970-W01", s.as_triager()).json();
  CHECK(first.at("previous_week").is_null());
  CHECK(first.at("next_week") == "1970-W02");
  CHECK(get(port, "/api/v1/triage/9998-W53", s.as_triager()).json().at("next_week").is_null());  // 9998 has 53 weeks
}

TEST_CASE("reopening a duplicate unlinks it, and the history shows both steps", "[triage][patch][duplicate]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Het origineel");
  const auto b = submit(port, "De dubbele");
  REQUIRE(patch(port, b.id, {{"status", "duplicate"}, {"duplicate_of", a.id}}, s.as_triager(), "\"1\"").status == 200);
  // The reporter of the duplicate learns which report is followed up instead.
  CHECK(get(port, "/api/v1/track/" + b.token).json().at("duplicate_of_reference") == a.reference);
  const auto reopened =
      patch(port, b.id, {{"status", "accepted"}, {"note", "Toch een ander probleem."}}, s.as_triager(), "\"2\"");
  INFO(reopened.body);
  REQUIRE(reopened.status == 200);
  const auto j = reopened.json();
  CHECK(j.at("status") == "accepted");
  CHECK(j.at("duplicate_of").is_null());
  const auto& history = j.at("history");
  REQUIRE(history.size() >= 2);
  const auto& last = history.at(history.size() - 1);
  CHECK(last.at("type") == "duplicate_of");
  CHECK(last.at("from") == a.id);
  CHECK(last.at("to").is_null());

  // The week's minutes name the earlier report of the duplicate decision (JSON and CSV), and
  // only there.
  const auto week = get(port, "/api/v1/triage/" + current_week(), s.as_triager()).json();
  const auto& decisions = week.at("decisions");
  REQUIRE(decisions.size() == 2);
  CHECK(decisions[0].at("to") == "duplicate");
  CHECK(decisions[0].at("duplicate_of") == a.id);
  CHECK(decisions[0].at("duplicate_of_reference") == a.reference);
  CHECK(decisions[1].at("to") == "accepted");
  CHECK(decisions[1].at("duplicate_of").is_null());
  CHECK(decisions[1].at("duplicate_of_reference").is_null());
  const auto csv = get(port, "/api/v1/triage/" + current_week() + "?format=csv", s.as_triager()).body;
  CHECK(csv.find(",new,duplicate,,,") != std::string::npos);
  CHECK(csv.find("," + a.reference + "\r\n") != std::string::npos);
}

TEST_CASE("the week's lists are whole by default: a queue of 60 comes back complete, limit cuts and says so",
          "[triage]") {
  team_server s;
  const auto port = s.port();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 60; ++i) ids.push_back(submit(port, "Wachtrij-melding " + std::to_string(i)).id);
  const auto target = "/api/v1/triage/" + current_week();

  const auto whole = get(port, target, s.as_triager());
  REQUIRE(whole.status == 200);
  const auto week = whole.json();
  const auto& queue = week.at("queue");
  REQUIRE(queue.size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) CHECK(queue[i].at("id") == ids[i]);  // oldest first
  CHECK(week.at("truncated").at("queue") == false);

  const auto cut = get(port, target + "?limit=10", s.as_triager());
  REQUIRE(cut.status == 200);
  const auto part = cut.json();
  REQUIRE(part.at("queue").size() == 10);
  CHECK(part.at("queue")[9].at("id") == ids[9]);
  CHECK(part.at("truncated").at("queue") == true);
  const auto too_many = get(port, target + "?limit=1001", s.as_triager());
  require_error(too_many, 422, "validation_failed");
  CHECK(too_many.json().at("error").at("fields").contains("limit"));
}

TEST_CASE("a reference in q finds its report, and empty parameters mean their defaults", "[triage][list]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Parkeervergunning mantelzorgers");
  const auto b = submit(port, "Kwijtschelding belastingen");
  std::string lower = a.reference;
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  // References are not words of the text: the search finds the report by its reference itself,
  // also written in lower case or without the leading zeros (RK-2026-1).
  auto r = get(port, "/api/v1/reports?q=" + lower, s.as_triager());
  REQUIRE(r.status == 200);
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{a.id});
  const auto short_ref = b.reference.substr(0, 8) + std::to_string(std::stoll(b.reference.substr(8)));
  r = get(port, "/api/v1/reports?q=" + short_ref, s.as_triager());
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{b.id});
  r = get(port, "/api/v1/reports?q=RK-2020-99999", s.as_triager());
  CHECK(item_ids(r.json()).empty());

  // The contract's own template, with every value left empty: the defaults (all reports).
  r = get(port, "/api/v1/reports?status=&department=&category=&q=&week=&limit=&cursor=", s.as_triager());
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(item_ids(r.json()) == std::vector<std::int64_t>{b.id, a.id});
  r = get(port, "/api/v1/stats/monthly?from=&to=&format=&delimiter=", bearer(s.admin));
  INFO(r.body);
  CHECK(r.status == 200);
  CHECK(r.json().at("months").size() == 12);
}

TEST_CASE("PATCH names every offending field at once, is 404 before 428 and compares If-Match strictly",
          "[triage][patch][errors]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Drie keer dezelfde gegevens");

  // A bad value and a disallowed step: both named.
  auto r = patch(port, a.id, {{"status", "in_progress"}, {"priority", "bogus"}}, s.as_triager(), "\"1\"");
  require_error(r, 422, "validation_failed");
  CHECK(r.json().at("error").at("fields").contains("priority"));
  CHECK(r.json().at("error").at("fields").contains("status"));
  // A bad value and a note the step needs: both named.
  r = patch(port, a.id, {{"status", "rejected"}, {"priority", "bogus"}}, s.as_triager(), "\"1\"");
  require_error(r, 422, "validation_failed");
  CHECK(r.json().at("error").at("fields").contains("priority"));
  CHECK(r.json().at("error").at("fields").contains("note"));
  // Nothing was written.
  CHECK(etag_of(port, a.id, s.as_triager()) == "\"1\"");

  // An unknown report is 404 with or without If-Match; a known one without it is 428.
  require_error(patch(port, 999999, {{"priority", "high"}}, s.as_triager(), std::nullopt), 404, "not_found");
  require_error(patch(port, 999999, {{"priority", "high"}}, s.as_triager(), "\"1\""), 404, "not_found");
  require_error(patch(port, a.id, {{"priority", "high"}}, s.as_triager(), std::nullopt), 428, "precondition_required");

  // "01" is not the entity tag "1"; a bare 1 is no entity tag at all (428 says how to send one).
  CHECK(patch(port, a.id, {{"priority", "high"}}, s.as_triager(), "\"01\"").status == 412);
  CHECK(patch(port, a.id, {{"priority", "high"}}, s.as_triager(), "W/\"1\"").status == 412);
  require_error(patch(port, a.id, {{"priority", "high"}}, s.as_triager(), "1"), 428, "precondition_required");
  // A field that cannot be cleared: null is the wrong type, named.
  r = patch(port, a.id, {{"priority", nullptr}}, s.as_triager(), "\"1\"");
  require_error(r, 400, "wrong_type");
  CHECK(r.json().at("error").at("fields").contains("priority"));
  CHECK(patch(port, a.id, {{"priority", "high"}}, s.as_triager(), "\"1\"").status == 200);
}

TEST_CASE("the week view names every bad parameter and answers JSON when JSON and CSV tie", "[triage][week][errors]") {
  team_server s;
  const auto port = s.port();
  submit(port, "Afvalpas nieuwe bewoners");
  const auto week = "/api/v1/triage/" + current_week();

  auto r = get(port, week + "?format=xml&delimiter=tab&limit=0", s.as_triager());
  require_error(r, 422, "validation_failed");
  for (const char* name : {"format", "delimiter", "limit"}) CHECK(r.json().at("error").at("fields").contains(name));
  r = get(port, week + "?format=&delimiter=&limit=", s.as_triager());
  CHECK(r.status == 200);
  CHECK(r.json().at("queue").size() == 1);

  auto h = s.as_triager();
  h.emplace_back("Accept", "application/json, text/csv");
  r = get(port, week, h);
  CHECK(r.status == 200);
  CHECK(r.header("content-type").find("application/json") == 0);
  CHECK(r.header("vary").find("Accept") != std::string::npos);
  h.back().second = "text/csv";
  r = get(port, week, h);
  CHECK(r.header("content-type").find("text/csv") == 0);
  CHECK(r.header("vary").find("Accept") != std::string::npos);
}

TEST_CASE("a queue report whose reporter answered the team's question says when", "[triage][week]") {
  team_server s;
  const auto port = s.port();
  const auto asked = submit(port, "Welk formulier bedoelt u");
  const auto other = submit(port, "Een gewone nieuwe melding");
  // The team's own step back from needs_info is no answer; nor is an earlier answer once the
  // team asked again and then stepped back itself.
  const auto stepped_back = submit(port, "De team zet hem zelf terug");
  REQUIRE(patch(port, stepped_back.id, {{"status", "needs_info"}, {"note", "Welke balie?"}}, s.as_triager(), "\"1\"")
              .status == 200);
  REQUIRE(post_json(port, "/api/v1/track/" + stepped_back.token + "/replies", {{"body", "Balie 3."}}).status == 201);
  REQUIRE(patch(port, stepped_back.id, {{"status", "needs_info"}, {"note", "En welke dag?"}}, s.as_triager(),
                etag_of(port, stepped_back.id, s.as_triager()))
              .status == 200);
  REQUIRE(patch(port, stepped_back.id, {{"status", "new"}}, s.as_triager(), etag_of(port, stepped_back.id, s.as_triager()))
              .status == 200);
  REQUIRE(patch(port, asked.id, {{"status", "needs_info"}, {"note", "Welk formulier bedoelt u precies?"}}, s.as_triager(),
                "\"1\"")
              .status == 200);
  REQUIRE(post_json(port, "/api/v1/track/" + asked.token + "/replies", {{"body", "Het formulier A12."}}).status == 201);

  const auto r = get(port, "/api/v1/triage/" + current_week(), s.as_triager());
  REQUIRE(r.status == 200);
  std::map<std::int64_t, json> answered;
  const auto view = r.json();
  for (const auto& item : view.at("queue")) answered[item.at("id").get<std::int64_t>()] = item.at("answered_at");
  REQUIRE(answered.size() == 3);
  CHECK(answered[asked.id].is_string());
  CHECK(answered[other.id].is_null());
  CHECK(answered[stepped_back.id].is_null());
}

TEST_CASE("the minutes name the report a duplicate decision was made against, also when it is re-pointed at once",
          "[triage][patch][duplicate]") {
  team_server s;
  const auto port = s.port();
  const auto a = submit(port, "Het eerste origineel");
  const auto c = submit(port, "Het tweede origineel");
  const auto b = submit(port, "De dubbele");
  REQUIRE(patch(port, b.id, {{"status", "duplicate"}, {"duplicate_of", a.id}}, s.as_triager(), "\"1\"").status == 200);
  // Re-pointed within the same second: a change of the link, not a new decision.
  const auto moved = patch(port, b.id, {{"duplicate_of", c.id}}, s.as_triager(), "\"2\"");
  REQUIRE(moved.status == 200);
  CHECK(moved.json().at("duplicate_of") == c.id);
  const auto decisions = get(port, "/api/v1/triage/" + current_week(), s.as_triager()).json().at("decisions");
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].at("duplicate_of") == a.id);
  CHECK(decisions[0].at("duplicate_of_reference") == a.reference);
  // A report that is not a duplicate carries no link, so nothing stands in the way of marking
  // a report a duplicate of it.
  require_error(patch(port, a.id, {{"duplicate_of", c.id}}, s.as_triager(), "\"1\""), 422, "validation_failed");
  CHECK(patch(port, c.id, {{"status", "duplicate"}, {"duplicate_of", a.id}}, s.as_triager(), "\"1\"").status == 200);
}
