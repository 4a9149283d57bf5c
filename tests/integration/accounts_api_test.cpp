// The administrator's accounts and API tokens over real HTTP: what an admin adds or changes
// counts at once for logins, open sessions and bearer tokens; secrets never come back; and
// every mistake gets the contract's error.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <regex>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace rk_test;
using nlohmann::json;
namespace http = boost::beast::http;

namespace {

response patch_json(unsigned short port, const std::string& target, const json& body, header_list headers) {
  headers.emplace_back("Content-Type", "application/json");
  return request(port, http::verb::patch, target, body.dump(), headers);
}

response try_login(unsigned short port, const std::string& username, const std::string& password) {
  return post_json(port, "/api/v1/session", {{"username", username}, {"password", password}});
}

/// A server whose one account is the admin "beheer", logged in.
struct admin_server {
  temp_dir dir;
  std::string db = dir.file("rk.db");
  bool added = (add_user(db, "beheer", "admin"), true);
  server_process srv{db};
  unsigned short port = srv.port();
  header_list admin = login(port, "beheer").headers();
};

}  // namespace

TEST_CASE("an admin adds, changes and disables accounts, it counts at once", "[accounts]") {
  admin_server s;
  const auto port = s.port;
  const auto& admin = s.admin;

  const auto added = post_json(port, "/api/v1/users",
                               {{"username", "anna@denhaag.nl"}, {"role", "triager"}, {"password", test_password}}, admin);
  INFO(added.body);
  REQUIRE(added.status == 201);
  REQUIRE(added.header("location") == "/api/v1/users/anna@denhaag.nl");
  REQUIRE(added.json().at("role") == "triager");
  REQUIRE(added.json().at("disabled") == false);
  REQUIRE_FALSE(added.json().contains("password"));
  REQUIRE(added.body.find("argon2") == std::string::npos);

  const auto listed = get(port, "/api/v1/users", admin);
  REQUIRE(listed.status == 200);
  REQUIRE(listed.json().at("items").size() == 2);
  REQUIRE(listed.body.find("argon2") == std::string::npos);

  // Her session has the triager's rights ...
  const auto anna = login(port, "anna@denhaag.nl").headers();
  REQUIRE(get(port, "/api/v1/reports", anna).status == 200);
  REQUIRE(get(port, "/api/v1/stats/monthly", anna).status == 403);
  // ... and a manager's from the moment the admin says so.
  const auto promoted = patch_json(port, "/api/v1/users/anna%40denhaag.nl", {{"role", "manager"}}, admin);
  INFO(promoted.body);
  REQUIRE(promoted.status == 200);
  REQUIRE(promoted.json().at("role") == "manager");
  REQUIRE(get(port, "/api/v1/stats/monthly", anna).status == 200);

  // A new password replaces the old one and ends her open sessions (a reset after a stolen
  // password shuts the thief out at once).
  REQUIRE(patch_json(port, "/api/v1/users/anna@denhaag.nl", {{"password", "een heel ander wachtwoord"}}, admin).status == 200);
  REQUIRE(get(port, "/api/v1/reports", anna).status == 401);
  REQUIRE(try_login(port, "anna@denhaag.nl", test_password).status == 401);
  REQUIRE(try_login(port, "anna@denhaag.nl", "een heel ander wachtwoord").status == 200);
  const auto anna_again = login(port, "anna@denhaag.nl", "een heel ander wachtwoord").headers();
  REQUIRE(get(port, "/api/v1/reports", anna_again).status == 200);

  // Disabled: her open session ends and she cannot log in; enabled: she can again.
  const auto off = patch_json(port, "/api/v1/users/anna@denhaag.nl", {{"disabled", true}}, admin);
  REQUIRE(off.json().at("disabled") == true);
  REQUIRE(get(port, "/api/v1/reports", anna_again).status == 401);
  REQUIRE(try_login(port, "anna@denhaag.nl", "een heel ander wachtwoord").status == 401);
  REQUIRE(patch_json(port, "/api/v1/users/anna@denhaag.nl", {{"disabled", false}}, admin).status == 200);
  REQUIRE(try_login(port, "anna@denhaag.nl", "een heel ander wachtwoord").status == 200);
}

TEST_CASE("an account can be read at the address its creation gives, and names that pass for another are refused",
          "[accounts]") {
  admin_server s;
  const auto port = s.port;
  const auto& admin = s.admin;
  const auto added = post_json(port, "/api/v1/users",
                               {{"username", "Anna.de.Vries"}, {"role", "triager"}, {"password", test_password}}, admin);
  REQUIRE(added.status == 201);
  const auto one = get(port, added.header("location"), admin);
  INFO(one.body);
  REQUIRE(one.status == 200);
  CHECK(one.json().at("username") == "Anna.de.Vries");
  CHECK(one.json().at("role") == "triager");
  CHECK(one.body.find("argon2") == std::string::npos);
  require_error(get(port, "/api/v1/users/niemand", admin), 404, "not_found");
  CHECK(get(port, added.header("location"), login(port, "Anna.de.Vries").headers()).status == 403);

  // Only the case differs: one person, two accounts, is refused; so are names without a letter
  // or digit (`..` cannot even be named in a path), passwords nobody can type at the login form,
  // and token names that show nothing or turn the page's text around.
  for (const std::string name : {"anna.de.vries", "ANNA.DE.VRIES", ".", "..", "@", "_-_"}) {
    const auto r = post_json(port, "/api/v1/users", {{"username", name}, {"role", "triager"}, {"password", test_password}}, admin);
    INFO(name << ": " << r.body);
    require_error(r, 422, "validation_failed");
    CHECK(r.json().at("error").at("fields").contains("username"));
  }
  for (const std::string& password : {std::string("abcdefgh\n"), std::string("abcd\0efgh", 9), std::string("abc\tdefgh"), std::string("abc\u0085defgh"), std::string("abc\u2028defgh")}) {
    const auto r = post_json(port, "/api/v1/users", {{"username", "bert"}, {"role", "triager"}, {"password", password}}, admin);
    require_error(r, 422, "validation_failed");
    CHECK(r.json().at("error").at("fields").contains("password"));
  }
  for (const std::string name : {"   ", " bi", "bi ", "bi\u202Etool", "\u3000", "\u200B"}) {
    const auto r = post_json(port, "/api/v1/tokens", {{"name", name}, {"role", "manager"}}, admin);
    INFO(name << ": " << r.body);
    require_error(r, 422, "validation_failed");
    CHECK(r.json().at("error").at("fields").contains("name"));
  }
  CHECK(get(port, "/api/v1/users", admin).json().at("items").size() == 2);
  CHECK(get(port, "/api/v1/tokens", admin).json().at("items").empty());
}

TEST_CASE("the last enabled admin account stays an enabled admin", "[accounts]") {
  admin_server s;
  const auto port = s.port;
  const auto& admin = s.admin;

  const auto demote = patch_json(port, "/api/v1/users/beheer", {{"role", "triager"}}, admin);
  require_error(demote, 422, "validation_failed");
  REQUIRE(demote.json().at("error").at("fields").contains("role"));
  const auto disable = patch_json(port, "/api/v1/users/beheer", {{"disabled", true}}, admin);
  require_error(disable, 422, "validation_failed");
  REQUIRE(disable.json().at("error").at("fields").contains("disabled"));

  // With a second admin, the first may step down.
  REQUIRE(post_json(port, "/api/v1/users", {{"username", "tweede"}, {"role", "admin"}, {"password", test_password}}, admin)
              .status == 201);
  REQUIRE(patch_json(port, "/api/v1/users/beheer", {{"role", "manager"}}, admin).status == 200);
  // Now a manager: no longer allowed here.
  require_error(get(port, "/api/v1/users", admin), 403, "forbidden");
}

TEST_CASE("an admin creates and revokes API tokens, the secret is shown once", "[accounts][tokens]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto admin = bearer(create_token(db, "beheer", "admin"));
  server_process srv(db);
  const auto port = srv.port();

  const auto created = post_json(port, "/api/v1/tokens", {{"name", "powerbi-maandcijfers"}, {"role", "manager"}}, admin);
  INFO(created.body);
  REQUIRE(created.status == 201);
  REQUIRE(created.header("cache-control") == "no-store");
  const auto secret = created.json().at("token").get<std::string>();
  REQUIRE(secret.rfind("rk_", 0) == 0);
  REQUIRE(created.json().at("revoked_at").is_null());

  REQUIRE(get(port, "/api/v1/stats/monthly", bearer(secret)).status == 200);
  require_error(get(port, "/api/v1/users", bearer(secret)), 403, "forbidden");

  const auto listed = get(port, "/api/v1/tokens", admin);
  REQUIRE(listed.status == 200);
  REQUIRE(listed.body.find(secret) == std::string::npos);
  bool found = false;
  const auto tokens = listed.json();
  for (const auto& t : tokens.at("items"))
    if (t.at("name") == "powerbi-maandcijfers") {
      found = true;
      REQUIRE_FALSE(t.contains("token"));
      REQUIRE(t.at("last_used_at").is_string());
    }
  REQUIRE(found);

  const auto revoked = request(port, http::verb::delete_, "/api/v1/tokens/powerbi-maandcijfers", {}, admin);
  REQUIRE(revoked.status == 204);
  require_error(get(port, "/api/v1/stats/monthly", bearer(secret)), 401, "invalid_token");
  require_error(request(port, http::verb::delete_, "/api/v1/tokens/powerbi-maandcijfers", {}, admin), 404, "not_found");
  // A revoked token's name stays taken (the list keeps it, with its revocation).
  require_error(post_json(port, "/api/v1/tokens", {{"name", "powerbi-maandcijfers"}, {"role", "manager"}}, admin), 422,
                "validation_failed");
  // Also in other capitals: the history would show token:POWERBI-… beside token:powerbi-….
  const auto capitals = post_json(port, "/api/v1/tokens", {{"name", "POWERBI-Maandcijfers"}, {"role", "triager"}}, admin);
  require_error(capitals, 422, "validation_failed");
  CHECK(capitals.json().at("error").at("fields").contains("name"));
  const auto cli = run_command({"token", "create", "--db", db, "--name", "PowerBI-maandcijfers", "--role", "manager"});
  CHECK(cli.exit_status != 0);
  CHECK(cli.err.find("exists already") != std::string::npos);
  CHECK(get(port, "/api/v1/tokens", admin).json().at("items").size() == 2);  // beheer and powerbi-maandcijfers
}

TEST_CASE("the account and token endpoints answer every mistake with the contract's error", "[accounts][errors]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "beheer", "admin");
  add_user(db, "anna", "triager");
  const auto admin = bearer(create_token(db, "beheer-token", "admin"));
  const auto manager = bearer(create_token(db, "bi", "manager"));
  server_process srv(db);
  const auto port = srv.port();

  require_error(get(port, "/api/v1/users"), 401, "unauthenticated");
  require_error(get(port, "/api/v1/users", manager), 403, "forbidden");
  require_error(get(port, "/api/v1/tokens", login(port, "anna").headers()), 403, "forbidden");
  require_error(post_json(port, "/api/v1/tokens", {{"name", "x"}, {"role", "admin"}}, manager), 403, "forbidden");

  const auto bad = post_json(port, "/api/v1/users", {{"username", "met spatie"}, {"role", "baas"}, {"password", "kort"}}, admin);
  require_error(bad, 422, "validation_failed");
  for (const auto* f : {"username", "role", "password"}) REQUIRE(bad.json().at("error").at("fields").contains(f));
  const auto missing = post_json(port, "/api/v1/users", json::object(), admin);
  require_error(missing, 422, "validation_failed");
  REQUIRE(missing.json().at("error").at("fields").size() == 3);
  require_error(post_json(port, "/api/v1/users", {{"username", "anna"}, {"role", "manager"}, {"password", test_password}}, admin),
                422, "validation_failed");
  require_error(post_json(port, "/api/v1/users", {{"username", "x"}, {"role", "admin"}, {"password", test_password}, {"disabled", false}}, admin),
                400, "unknown_field");
  require_error(post_json(port, "/api/v1/users", {{"username", 7}, {"role", "admin"}, {"password", test_password}}, admin), 400,
                "wrong_type");
  require_error(patch_json(port, "/api/v1/users/anna", {{"disabled", "ja"}}, admin), 400, "wrong_type");
  require_error(patch_json(port, "/api/v1/users/anna", json::object(), admin), 422, "nothing_to_change");
  require_error(patch_json(port, "/api/v1/users/niemand", {{"role", "manager"}}, admin), 404, "not_found");
  require_error(post_json(port, "/api/v1/tokens", {{"name", ""}, {"role", "triager"}}, admin), 422, "validation_failed");
  require_error(post_json(port, "/api/v1/tokens", {{"name", "a\tb"}, {"role", "triager"}}, admin), 422, "validation_failed");
  // A slash could not be named in DELETE /api/v1/tokens/{name}.
  require_error(post_json(port, "/api/v1/tokens", {{"name", "bi/finance"}, {"role", "manager"}}, admin), 422,
                "validation_failed");
  require_error(request(port, http::verb::delete_, "/api/v1/tokens/bestaat-niet", {}, admin), 404, "not_found");

  // One answer names every field at fault: a name already taken beside a wrong role.
  const auto taken_user = post_json(port, "/api/v1/users", {{"username", "ANNA"}, {"role", "baas"}, {"password", test_password}}, admin);
  require_error(taken_user, 422, "validation_failed");
  const auto user_fields = taken_user.json().at("error").at("fields");
  CHECK(user_fields.contains("username"));
  CHECK(user_fields.contains("role"));
  const auto taken_token = post_json(port, "/api/v1/tokens", {{"name", "BI"}, {"role", "baas"}}, admin);
  require_error(taken_token, 422, "validation_failed");
  const auto token_fields = taken_token.json().at("error").at("fields");
  CHECK(token_fields.contains("name"));
  CHECK(token_fields.contains("role"));
  require_error(request(port, http::verb::delete_, "/api/v1/users/anna", {}, admin), 405, "method_not_allowed");

  // Passwords and secrets never reach the log.
  REQUIRE(srv.output().find(test_password) == std::string::npos);
}

TEST_CASE("every change to accounts, tokens and lists is in the administrator's log, with who made it", "[accounts][audit]") {
  admin_server s;  // "beheer" was added by the command line: the log's first entry
  const auto port = s.port;
  const auto& admin = s.admin;
  const auto password = std::string(test_password);

  REQUIRE(post_json(port, "/api/v1/users", {{"username", "anna"}, {"role", "triager"}, {"password", password}}, admin).status == 201);
  REQUIRE(patch_json(port, "/api/v1/users/anna", {{"role", "manager"}}, admin).status == 200);
  REQUIRE(patch_json(port, "/api/v1/users/anna", {{"password", password + "-nieuw"}}, admin).status == 200);
  REQUIRE(patch_json(port, "/api/v1/users/anna", {{"disabled", true}}, admin).status == 200);
  REQUIRE(patch_json(port, "/api/v1/users/anna", {{"disabled", true}}, admin).status == 200);  // no change: no entry
  REQUIRE(post_json(port, "/api/v1/tokens", {{"name", "powerbi"}, {"role", "manager"}}, admin).status == 201);
  REQUIRE(request(port, http::verb::delete_, "/api/v1/tokens/powerbi", {}, admin).status == 204);
  REQUIRE(post_json(port, "/api/v1/departments", {{"key", "ict"}, {"label", "Dienst ICT"}}, admin).status == 201);
  REQUIRE(patch_json(port, "/api/v1/departments/ict", {{"label", "Dienst Informatie"}}, admin).status == 200);
  REQUIRE(patch_json(port, "/api/v1/departments/ict", {{"position", 1}}, admin).status == 200);  // a move: no entry
  // The command line, on the running server's database.
  REQUIRE(run_command({"category", "disable", "--db", s.db, "--key", "anders"}).exit_status == 0);
  REQUIRE(run_command({"retention", "--db", s.db, "--months", "1"}).exit_status == 0);

  const auto log = get(port, "/api/v1/audit", admin);
  INFO(log.body);
  REQUIRE(log.status == 200);
  REQUIRE(log.header("cache-control") == "no-store");
  REQUIRE(log.body.find("argon2") == std::string::npos);  // never a password hash
  const auto items = log.json().at("items");
  std::vector<std::string> actions;
  for (const auto& e : items) actions.push_back(e.at("action").get<std::string>() + " " + e.at("subject").get<std::string>());
  const std::vector<std::string> expected{"retention.erased ",       "category.changed anders",  "department.changed ict",
                                          "department.added ict",    "token.revoked powerbi",    "token.created powerbi",
                                          "user.disabled anna",      "user.password_set anna",   "user.role_changed anna",
                                          "user.added anna",         "user.added beheer"};
  CHECK(actions == expected);
  CHECK(items[0].at("actor").get<std::string>().rfind("cli:", 0) == 0);  // the command line, by the system user
  CHECK(items[0].at("detail").at("reports") == 0);
  CHECK(items[1].at("detail").at("active") == json({{"from", true}, {"to", false}}));
  CHECK(items[2].at("actor") == "beheer");
  CHECK(items[2].at("detail").at("label") == json({{"from", "Dienst ICT"}, {"to", "Dienst Informatie"}}));
  CHECK(items[8].at("detail") == json({{"from", "triager"}, {"to", "manager"}}));
  CHECK(items[10].at("actor").get<std::string>().rfind("cli:", 0) == 0);
  CHECK(items[10].at("detail").at("role") == "admin");
  CHECK(std::regex_match(items[0].at("at").get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));

  // Pages, newest first.
  const auto first = get(port, "/api/v1/audit?limit=4", admin).json();
  REQUIRE(first.at("items").size() == 4);
  REQUIRE(first.at("next_cursor").is_string());
  const auto second = get(port, "/api/v1/audit?limit=100&cursor=" + first.at("next_cursor").get<std::string>(), admin).json();
  REQUIRE(second.at("items").size() == 7);
  CHECK(second.at("items")[0].at("action") == "token.revoked");
  CHECK(second.at("next_cursor").is_null());
  require_error(get(port, "/api/v1/audit?limit=0", admin), 422, "validation_failed");
  require_error(get(port, "/api/v1/audit?since=2026-01-01", admin), 422, "validation_failed");
  // Only for admins.
  add_user(s.db, "bram", "triager");
  require_error(get(port, "/api/v1/audit", login(port, "bram").headers()), 403, "forbidden");

  // The command line shows the same log, and no one can rewrite it.
  const auto cli = run_command({"audit", "--db", s.db, "--limit", "2"});
  INFO(cli.err);
  REQUIRE(cli.exit_status == 0);
  CHECK(cli.out.find("\tuser.added\tbram\t{\"role\":\"triager\",\"disabled\":false}\n") != std::string::npos);
  CHECK(cli.out.find("retention.erased") != std::string::npos);
  CHECK(cli.out.find("category.changed") == std::string::npos);  // --limit 2
  SQLite::Database raw(s.db, SQLite::OPEN_READWRITE);
  CHECK_THROWS(raw.exec("UPDATE admin_events SET actor = 'iemand anders'"));
  CHECK_THROWS(raw.exec("DELETE FROM admin_events"));
}

TEST_CASE("a token works only while the administrator who made it is an enabled administrator", "[accounts][tokens]") {
  admin_server s;
  // "vertrekker", an admin, makes a token through a session, and with that token another one.
  REQUIRE(post_json(s.port, "/api/v1/users",
                    {{"username", "vertrekker"}, {"role", "admin"}, {"password", "vertrekker-wachtwoord-2026"}}, s.admin)
              .status == 201);
  const auto leaver = login(s.port, "vertrekker", "vertrekker-wachtwoord-2026").headers();
  const auto first = post_json(s.port, "/api/v1/tokens", {{"name", "achterdeur"}, {"role", "admin"}}, leaver);
  REQUIRE(first.status == 201);
  CHECK(first.json().at("created_by") == "vertrekker");
  const auto first_token = bearer(first.json().at("token").get<std::string>());
  const auto second = post_json(s.port, "/api/v1/tokens", {{"name", "achterdeur-2"}, {"role", "manager"}}, first_token);
  REQUIRE(second.status == 201);
  CHECK(second.json().at("created_by") == "token:achterdeur");
  const auto second_token = bearer(second.json().at("token").get<std::string>());
  // A token made on the command line depends on nobody.
  const auto cli_token = bearer(create_token(s.db, "powerbi", "manager"));
  REQUIRE(get(s.port, "/api/v1/users", first_token).status == 200);
  REQUIRE(get(s.port, "/api/v1/stats/monthly", second_token).status == 200);

  const auto suspended = [&](const std::string& name) {
    const auto tokens = get(s.port, "/api/v1/tokens", s.admin).json();
    for (const auto& t : tokens.at("items"))
      if (t.at("name") == name) return t.at("suspended").get<bool>();
    FAIL("no token " << name);
    return false;
  };

  // Disabled: both tokens are refused, also for enabling the account again; the list says why.
  REQUIRE(patch_json(s.port, "/api/v1/users/vertrekker", {{"disabled", true}}, s.admin).status == 200);
  require_error(get(s.port, "/api/v1/users", first_token), 401, "invalid_token");
  require_error(patch_json(s.port, "/api/v1/users/vertrekker", {{"disabled", false}}, first_token), 401, "invalid_token");
  require_error(get(s.port, "/api/v1/stats/monthly", second_token), 401, "invalid_token");
  CHECK(get(s.port, "/api/v1/stats/monthly", cli_token).status == 200);
  CHECK(suspended("achterdeur"));
  CHECK(suspended("achterdeur-2"));
  CHECK_FALSE(suspended("powerbi"));
  const auto cli_list = run_command({"token", "list", "--db", s.db});
  CHECK(cli_list.out.find("achterdeur\tadmin\tsuspended") != std::string::npos);
  CHECK(cli_list.out.find("powerbi\tmanager\tactive") != std::string::npos);

  // Enabled again but no longer an administrator: still refused. An admin again: they work.
  REQUIRE(patch_json(s.port, "/api/v1/users/vertrekker", {{"disabled", false}, {"role", "triager"}}, s.admin).status == 200);
  require_error(get(s.port, "/api/v1/stats/monthly", second_token), 401, "invalid_token");
  REQUIRE(patch_json(s.port, "/api/v1/users/vertrekker", {{"role", "admin"}}, s.admin).status == 200);
  CHECK(get(s.port, "/api/v1/users", first_token).status == 200);
  CHECK(get(s.port, "/api/v1/stats/monthly", second_token).status == 200);
  CHECK_FALSE(suspended("achterdeur"));
}
