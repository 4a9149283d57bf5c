// The administrator's lists of departments and categories over real HTTP and the real command
// line: adding, relabelling, moving and deactivating; what reporters, the team and managers
// then see; and every error status of these endpoints.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "harness.hpp"

using namespace rk_test;
using nlohmann::json;
namespace http = boost::beast::http;

namespace {

response patch_json(unsigned short port, const std::string& target, const std::string& body, header_list headers) {
  headers.emplace_back("Content-Type", "application/json");
  return request(port, http::verb::patch, target, body, headers);
}

std::vector<std::string> keys_of(const json& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e.at("key").get<std::string>());
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

json report_in(const std::string& department, const std::string& category = "anders") {
  auto r = valid_report();
  r["department"] = department;
  r["category"] = category;
  return r;
}

}  // namespace

TEST_CASE("an admin adds a department, reporters can use it at once", "[lists]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto admin = create_token(db, "beheer", "admin");
  server_process srv(db);
  const auto port = srv.port();

  const auto all = get(port, "/api/v1/departments", bearer(admin));
  REQUIRE(all.status == 200);
  REQUIRE(all.json().at("items").size() == 6);
  REQUIRE(all.json().at("items")[0] == json({{"key", "bsd"}, {"label", "Bestuursdienst"}, {"position", 1}, {"active", true}}));

  const auto added = post_json(port, "/api/v1/departments", {{"key", "dienst-ict"}, {"label", "  Dienst ICT  "}, {"position", 2}},
                               bearer(admin));
  INFO(added.body);
  REQUIRE(added.status == 201);
  REQUIRE(added.header("location") == "/api/v1/departments/dienst-ict");
  REQUIRE(added.json() == json({{"key", "dienst-ict"}, {"label", "Dienst ICT"}, {"position", 2}, {"active", true}}));

  const auto meta = get(port, "/api/v1/meta").json();
  REQUIRE(keys_of(meta.at("departments"))[1] == "dienst-ict");
  REQUIRE(post_json(port, "/api/v1/reports", report_in("dienst-ict")).status == 201);
  // The report form offers it.
  REQUIRE(get(port, "/", {{"Accept", "text/html"}}).body.find("Dienst ICT") != std::string::npos);
}

TEST_CASE("an entry can be read at the address its creation gives, and two entries never share a label", "[lists]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto admin = create_token(db, "beheer", "admin");
  server_process srv(db);
  const auto port = srv.port();

  const auto added = post_json(port, "/api/v1/categories", {{"key", "subsidie"}, {"label", "Subsidieregeling"}}, bearer(admin));
  REQUIRE(added.status == 201);
  const auto one = get(port, added.header("location"), bearer(admin));
  INFO(one.body);
  REQUIRE(one.status == 200);
  CHECK(one.json() == added.json());
  require_error(get(port, "/api/v1/departments/bestaat-niet", bearer(admin)), 404, "not_found");
  CHECK(get(port, "/api/v1/departments/bsd", bearer(admin)).json().at("label") == "Bestuursdienst");

  // The form, the filters and the statistics could not tell two "Bestuursdienst"s apart: not
  // when adding, not when relabelling, also not in other capitals.
  // Nor with other accents or punctuation.
  for (const std::string label : {"Bestuursdienst", "BESTUURSDIENST", "B\u00E9stuursdi\u00CBnst", "Bestuursdienst."}) {
    const auto twin = post_json(port, "/api/v1/departments", {{"key", "bsd-2"}, {"label", label}}, bearer(admin));
    INFO(twin.body);
    require_error(twin, 422, "validation_failed");
    CHECK(twin.json().at("error").at("fields").at("label").get<std::string>().find("bsd") != std::string::npos);
  }
  require_error(patch_json(port, "/api/v1/departments/dpz", R"({"label":"bestuursdienst"})", bearer(admin)), 422,
                "validation_failed");
  // Its own label again (another spelling of it) is fine.
  CHECK(patch_json(port, "/api/v1/departments/bsd", R"({"label":"BestuursDienst"})", bearer(admin)).status == 200);
  // A direction override would turn the pages' own text around it.
  require_error(post_json(port, "/api/v1/departments", {{"key", "omgekeerd"}, {"label", "Dienst \u202Eomgekeerd"}}, bearer(admin)),
                422, "validation_failed");
  // Nor with a no-break or double space, or an invisible character (refused in any label).
  for (const std::string label : {"Dienst\u00A0Publiekszaken", "Dienst  Publiekszaken", "Dienst, Publiekszaken",
                                  "Dienst Publiekszaken\u200B", "Dienst Publieks\u00ADzaken", "Nieuw\u200Bloket"})
    require_error(post_json(port, "/api/v1/departments", {{"key", "dpz-2"}, {"label", label}}, bearer(admin)), 422,
                  "validation_failed");
  // Spaces of any kind are one plain space in a label that is taken.
  const auto spaced = post_json(port, "/api/v1/departments", {{"key", "dsz"}, {"label", "Dienst\u00A0 Sociale\u2009Zaken "}}, bearer(admin));
  INFO(spaced.body);
  REQUIRE(spaced.status == 201);
  CHECK(spaced.json().at("label") == "Dienst Sociale Zaken");
  CHECK(get(port, "/api/v1/departments", bearer(admin)).json().at("items").size() == 7);
  // The command line says the same.
  const auto cli = run_command({"department", "add", "--db", db, "--key", "bsd-3", "--label", "Bestuursdienst"});
  CHECK(cli.exit_status != 0);
  CHECK(cli.err.find("label") != std::string::npos);
}

TEST_CASE("a deactivated entry is refused for new reports but old reports keep it", "[lists]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto admin = create_token(db, "beheer", "admin");
  add_user(db, "anna", "triager");
  add_user(db, "mo", "manager");
  server_process srv(db);
  const auto port = srv.port();
  const auto old = post_json(port, "/api/v1/reports", report_in("dsb", "formulier_brief"));
  REQUIRE(old.status == 201);
  const auto id = std::to_string(old.json().at("id").get<long>());
  const auto other = std::to_string(post_json(port, "/api/v1/reports", report_in("szw")).json().at("id").get<long>());
  const auto session = login(port, "anna");
  const auto if_match = [&](const std::string& report) {
    auto h = session.headers();
    h.emplace_back("If-Match", get(port, "/api/v1/reports/" + report, session.headers()).header("etag"));
    return h;
  };
  REQUIRE(patch_json(port, "/api/v1/reports/" + id, R"({"owner_department":"dsb"})", if_match(id)).status == 200);

  const auto off = patch_json(port, "/api/v1/departments/dsb", R"({"active":false})", bearer(admin));
  INFO(off.body);
  REQUIRE(off.status == 200);
  REQUIRE(off.json().at("active") == false);
  REQUIRE(patch_json(port, "/api/v1/categories/formulier_brief", R"({"active":false,"label":"Formulieren en brieven"})",
                     bearer(admin)).status == 200);

  // Meta offers it no more, but names it among the former entries, with its (new) label.
  const auto meta = get(port, "/api/v1/meta").json();
  REQUIRE_FALSE(contains(keys_of(meta.at("departments")), "dsb"));
  REQUIRE(meta.at("former_departments") == json::array({{{"key", "dsb"}, {"label", "Dienst Stadsbeheer"}}}));
  REQUIRE(meta.at("former_categories") == json::array({{{"key", "formulier_brief"}, {"label", "Formulieren en brieven"}}}));
  REQUIRE(get(port, "/", {{"Accept", "text/html"}}).body.find("Dienst Stadsbeheer") == std::string::npos);

  // New reports and new owners may not use it.
  const auto refused = post_json(port, "/api/v1/reports", report_in("dsb"));
  require_error(refused, 422, "validation_failed");
  REQUIRE(refused.json().at("error").at("fields").contains("department"));
  const auto owner = patch_json(port, "/api/v1/reports/" + other, R"({"owner_department":"dsb"})", if_match(other));
  require_error(owner, 422, "validation_failed");
  REQUIRE(owner.json().at("error").at("fields").contains("owner_department"));

  // A report that it owns keeps it, and a tool sending the report's fields back unchanged gets
  // 200 (the same version), also beside a real change.
  const auto unchanged = patch_json(port, "/api/v1/reports/" + id, R"({"owner_department":"dsb"})", if_match(id));
  INFO(unchanged.body);
  REQUIRE(unchanged.status == 200);
  REQUIRE(unchanged.json().at("owner_department") == "dsb");
  const auto version = unchanged.header("etag");
  const auto beside = patch_json(port, "/api/v1/reports/" + id, R"({"owner_department":"dsb","priority":"high"})", if_match(id));
  REQUIRE(beside.status == 200);
  REQUIRE(beside.json().at("priority") == "high");
  REQUIRE(beside.json().at("owner_department") == "dsb");
  REQUIRE(beside.header("etag") != version);

  // The old report still carries it, and the team and managers can still filter on it.
  REQUIRE(get(port, "/api/v1/reports/" + id, session.headers()).json().at("department") == "dsb");
  const auto listed = get(port, "/api/v1/reports?department=dsb", session.headers());
  REQUIRE(listed.status == 200);
  REQUIRE(listed.json().at("items").size() == 1);
  const auto team_page = get(port, "/team", {{"Accept", "text/html"}, {"Cookie", session.cookie}});
  REQUIRE(team_page.body.find("Dienst Stadsbeheer (niet meer in gebruik)") != std::string::npos);
  const auto manager = login(port, "mo");
  const auto stats = get(port, "/api/v1/stats/monthly?department=dsb&format=csv", manager.headers());
  INFO(stats.body);
  REQUIRE(stats.status == 200);
  REQUIRE(stats.body.find("category,formulier_brief,Formulieren en brieven") != std::string::npos);

  // Active again: accepted again.
  REQUIRE(patch_json(port, "/api/v1/departments/dsb", R"({"active":true})", bearer(admin)).status == 200);
  REQUIRE(post_json(port, "/api/v1/reports", report_in("dsb")).status == 201);
}

TEST_CASE("moving and relabelling an entry shows in meta in the new order", "[lists]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto admin = create_token(db, "beheer", "admin");
  server_process srv(db);
  const auto port = srv.port();
  const auto moved = patch_json(port, "/api/v1/categories/anders", R"({"position":1,"label":"Iets anders"})", bearer(admin));
  INFO(moved.body);
  REQUIRE(moved.status == 200);
  REQUIRE(moved.json() == json({{"key", "anders"}, {"label", "Iets anders"}, {"position", 1}, {"active", true}}));
  const auto categories = get(port, "/api/v1/meta").json().at("categories");
  REQUIRE(categories[0] == json({{"key", "anders"}, {"label", "Iets anders"}}));
  REQUIRE(categories[1].at("key") == "landelijke_regelgeving");
  const auto items = get(port, "/api/v1/categories", bearer(admin)).json().at("items");
  for (std::size_t i = 0; i < items.size(); ++i) REQUIRE(items[i].at("position") == i + 1);
}

TEST_CASE("the lists endpoints answer every mistake with the contract's error", "[lists][errors]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto admin = create_token(db, "beheer", "admin");
  server_process srv(db);
  const auto port = srv.port();
  const auto h = bearer(admin);

  auto form = h;
  form.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  require_error(request(port, http::verb::post, "/api/v1/departments", "key=a&label=b", form), 415, "unsupported_media_type");
  auto json_h = h;
  json_h.emplace_back("Content-Type", "application/json");
  require_error(request(port, http::verb::post, "/api/v1/departments", "{not json", json_h), 400, "invalid_json");
  require_error(post_json(port, "/api/v1/departments", {{"key", "x"}, {"label", "X"}, {"active", "ja"}}, h), 400, "wrong_type");
  require_error(post_json(port, "/api/v1/departments", {{"key", "x"}, {"label", "X"}, {"id", 1}}, h), 400, "unknown_field");
  require_error(patch_json(port, "/api/v1/departments/bsd", R"({"key":"nieuw"})", h), 400, "unknown_field");
  require_error(patch_json(port, "/api/v1/departments/bsd", R"({})", h), 422, "nothing_to_change");

  const auto bad = post_json(port, "/api/v1/departments", {{"key", "Dienst X"}, {"label", ""}, {"position", 0}}, h);
  require_error(bad, 422, "validation_failed");
  const auto fields = bad.json().at("error").at("fields");
  REQUIRE(fields.contains("key"));
  REQUIRE(fields.contains("label"));
  REQUIRE(fields.contains("position"));

  const auto taken = post_json(port, "/api/v1/categories", {{"key", "anders"}, {"label", "Nog eens anders"}}, h);
  require_error(taken, 422, "validation_failed");
  REQUIRE(taken.json().at("error").at("fields").contains("key"));

  // One answer names every field at fault: also a key or label another entry has, beside a
  // value that is wrong in itself.
  const auto both = post_json(port, "/api/v1/departments", {{"key", "Bad Key"}, {"label", "Dienst Publiekszaken"}}, h);
  require_error(both, 422, "validation_failed");
  const auto both_fields = both.json().at("error").at("fields");
  CHECK(both_fields.contains("key"));
  CHECK(both_fields.contains("label"));
  const auto key_and_position = post_json(port, "/api/v1/categories", {{"key", "anders"}, {"label", "Iets nieuws"}, {"position", 0}}, h);
  const auto kp_fields = key_and_position.json().at("error").at("fields");
  CHECK(kp_fields.contains("key"));
  CHECK(kp_fields.contains("position"));
  const auto relabel = patch_json(port, "/api/v1/departments/bsd", R"({"label":"Dienst Publiekszaken","position":0})", h);
  require_error(relabel, 422, "validation_failed");
  const auto relabel_fields = relabel.json().at("error").at("fields");
  CHECK(relabel_fields.contains("label"));
  CHECK(relabel_fields.contains("position"));

  require_error(patch_json(port, "/api/v1/departments/bestaat-niet", R"({"label":"X"})", h), 404, "not_found");
  require_error(request(port, http::verb::delete_, "/api/v1/departments/bsd", {}, h), 405, "method_not_allowed");

  // The last active entry stays.
  for (const auto& key : {"bsd", "dpz", "dso", "dsb", "szw"})
    REQUIRE(patch_json(port, std::string("/api/v1/departments/") + key, R"({"active":false})", h).status == 200);
  const auto last = patch_json(port, "/api/v1/departments/ocw", R"({"active":false})", h);
  require_error(last, 422, "validation_failed");
  REQUIRE(last.json().at("error").at("fields").contains("active"));
  REQUIRE(keys_of(get(port, "/api/v1/meta").json().at("departments")) == std::vector<std::string>{"ocw"});
}

TEST_CASE("the department and category commands change the lists of a running server", "[lists][cli]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  server_process srv(db);
  const auto port = srv.port();

  const auto added = run_command({"department", "add", "--db", db, "--key", "dienst-ict", "--label", "Dienst ICT"});
  INFO(added.err);
  REQUIRE(added.exit_status == 0);
  REQUIRE(added.out.find("dienst-ict\t7\tactive\tDienst ICT") != std::string::npos);
  REQUIRE(run_command({"category", "disable", "--db", db, "--key", "anders"}).exit_status == 0);

  // The server looks again every five seconds.
  json meta;
  for (int i = 0; i < 40; ++i) {
    meta = get(port, "/api/v1/meta").json();
    if (contains(keys_of(meta.at("departments")), "dienst-ict") && !meta.at("former_categories").empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  REQUIRE(contains(keys_of(meta.at("departments")), "dienst-ict"));
  REQUIRE(keys_of(meta.at("former_categories")) == std::vector<std::string>{"anders"});

  const auto list = run_command({"category", "list", "--db", db});
  REQUIRE(list.out.find("anders\t7\tinactive\tAnders") != std::string::npos);

  const auto twice = run_command({"department", "add", "--db", db, "--key", "dienst-ict", "--label", "Nog eens"});
  REQUIRE(twice.exit_status != 0);
  REQUIRE(twice.err.find("already taken") != std::string::npos);
  const auto unknown = run_command({"category", "change", "--db", db, "--key", "bestaat-niet", "--label", "X"});
  REQUIRE(unknown.exit_status != 0);
  REQUIRE(unknown.err.find("no category") != std::string::npos);
  const auto bad_key = run_command({"department", "add", "--db", db, "--key", "Met Spatie", "--label", "X"});
  REQUIRE(bad_key.exit_status != 0);
  REQUIRE(bad_key.err.find("--key") != std::string::npos);
}

TEST_CASE("the list commands wait for a busy server's writer instead of failing", "[lists][cli]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  server_process srv(db);
  const auto port = srv.port();
  std::atomic<bool> stop{false};
  std::atomic<int> created{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t)
    load.emplace_back([&, t] {
      while (!stop)
        if (post_json(port, "/api/v1/reports", valid_report("Drukte " + std::to_string(t))).status == 201) ++created;
    });
  int failures = 0;
  std::string last_error;
  for (int i = 0; i < 12; ++i) {
    const auto r = run_command({"department", "change", "--db", db, "--key", "bsd", "--label",
                                "Bestuursdienst " + std::to_string(i)});
    if (r.exit_status != 0) {
      ++failures;
      last_error = r.err;
    }
  }
  stop = true;
  for (auto& t : load) t.join();
  INFO(last_error);
  CHECK(created > 0);
  CHECK(failures == 0);
}
