// Identity and access over real HTTP: the access matrix of every team endpoint, sessions
// (cookie attributes, fixation, expiry, logout), CSRF, throttling, API tokens, single sign-on
// through a trusted proxy, and the security log.
#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <functional>
#include <future>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include "harness.hpp"

using namespace rk_test;
using nlohmann::json;
namespace http = boost::beast::http;

namespace {

/// Moves a session's clock back, as if it had been idle (or open) for `hours`.
void age_session(const std::string& db, const std::string& column, int hours) {
  SQLite::Database d(db, SQLite::OPEN_READWRITE, 5000);
  d.exec("UPDATE sessions SET " + column + " = " + column + " - " + std::to_string(hours * 3600));
}

// The credentials a request can carry, as in the issue's access matrix.
enum class who {
  nobody,
  triager_session,
  manager_session,
  admin_session,
  triager_token,
  manager_token,
  revoked_token,
  expired_session,
  session_without_csrf,  // a triager's session, without the X-CSRF-Token header
};

const char* name_of(who w) {
  switch (w) {
    case who::nobody: return "no credentials";
    case who::triager_session: return "triager session";
    case who::manager_session: return "manager session";
    case who::admin_session: return "admin session";
    case who::triager_token: return "triager token";
    case who::manager_token: return "manager token";
    case who::revoked_token: return "revoked token";
    case who::expired_session: return "expired session";
    case who::session_without_csrf: return "session without CSRF header";
  }
  return "?";
}

// Who may use an endpoint, written out here (not taken from the server's own table).
enum class level { team, read_reports, change_reports, read_statistics, administer };

bool role_may(level l, const std::string& role) {
  switch (l) {
    case level::team:
    case level::read_reports: return true;
    case level::change_reports: return role == "triager" || role == "admin";
    case level::read_statistics: return role == "manager" || role == "admin";
    case level::administer: return role == "admin";
  }
  return false;
}

struct endpoint {
  std::string label;
  level needs;
  bool changes_state;
  unsigned ok_status;
  // Performs the request with the given credential headers.
  std::function<response(const header_list&)> call;
};

/// The expected status of one cell.
unsigned expected(const endpoint& e, who w) {
  switch (w) {
    case who::nobody:
    case who::revoked_token:
    case who::expired_session: return 401;
    case who::triager_session: return role_may(e.needs, "triager") ? e.ok_status : 403;
    case who::manager_session: return role_may(e.needs, "manager") ? e.ok_status : 403;
    case who::admin_session: return e.ok_status;
    case who::triager_token: return role_may(e.needs, "triager") ? e.ok_status : 403;
    case who::manager_token: return role_may(e.needs, "manager") ? e.ok_status : 403;
    case who::session_without_csrf:
      if (!role_may(e.needs, "triager")) return 403;
      return e.changes_state ? 403 : e.ok_status;
  }
  return 0;
}

}  // namespace

TEST_CASE("access matrix: every team endpoint × every kind of credential", "[access][matrix]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  add_user(db, "mo", "manager");
  add_user(db, "ad", "admin");
  const auto triager_token = create_token(db, "script", "triager");
  const auto manager_token = create_token(db, "powerbi", "manager");
  const auto revoked_token = create_token(db, "old", "manager");
  server_process srv(db);
  const auto port = srv.port();
  REQUIRE(run_command({"token", "revoke", "--db", db, "--name", "old"}).exit_status == 0);
  const auto expired = login(port, "anna");
  age_session(db, "last_seen_at", 9);

  const auto credentials = [&](who w) -> header_list {
    switch (w) {
      case who::nobody: return {};
      case who::triager_session: return login(port, "anna").headers();
      case who::manager_session: return login(port, "mo").headers();
      case who::admin_session: return login(port, "ad").headers();
      case who::triager_token: return bearer(triager_token);
      case who::manager_token: return bearer(manager_token);
      case who::revoked_token: return bearer(revoked_token);
      case who::expired_session: return expired.headers();
      case who::session_without_csrf: return login(port, "anna").headers(false);
    }
    return {};
  };

  // A report to read and change, and the version it has now (read with an admin token).
  const auto admin_token = create_token(db, "matrix-admin", "admin");
  const auto id = std::to_string(post_json(port, "/api/v1/reports", valid_report()).json().at("id").get<long>());
  const auto version_header = [&] { return get(port, "/api/v1/reports/" + id, bearer(admin_token)).header("etag"); };
  int patches = 0;
  int categories_added = 0;
  const std::string week = "2026-W48";

  const std::vector<endpoint> endpoints = {
      {"GET /api/v1/session", level::team, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/session", h); }},
      {"DELETE /api/v1/session", level::team, true, 204,
       [&](const header_list& h) { return request(port, http::verb::delete_, "/api/v1/session", {}, h); }},
      {"GET /api/v1/reports", level::read_reports, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/reports?status=new&limit=5", h); }},
      {"GET /api/v1/reports/{id}", level::read_reports, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/reports/" + id, h); }},
      {"PATCH /api/v1/reports/{id}", level::change_reports, true, 200,
       [&](const header_list& h) {
         auto headers = h;
         headers.emplace_back("If-Match", version_header());
         headers.emplace_back("Content-Type", "application/json");
         const json body = {{"priority", ++patches % 2 ? "high" : "low"}};
         return request(port, http::verb::patch, "/api/v1/reports/" + id, body.dump(), headers);
       }},
      {"POST /api/v1/reports/{id}/comments", level::change_reports, true, 201,
       [&](const header_list& h) {
         return post_json(port, "/api/v1/reports/" + id + "/comments",
                          {{"body", "Besproken in het overleg."}, {"visibility", "internal"}}, h);
       }},
      {"GET /api/v1/triage/{week}", level::read_reports, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/triage/" + week, h); }},
      {"GET /api/v1/triage/{week} as CSV", level::read_reports, false, 200,
       [&](const header_list& h) {
         auto headers = h;
         headers.emplace_back("Accept", "text/csv");
         return get(port, "/api/v1/triage/" + week, headers);
       }},
      {"GET /api/v1/stats/monthly", level::read_statistics, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/stats/monthly?from=2026-01&to=2026-12", h); }},
      {"GET /api/v1/stats/monthly as CSV", level::read_statistics, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/stats/monthly?from=2026-01&to=2026-12&format=csv", h); }},
      {"GET /api/v1/departments", level::administer, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/departments", h); }},
      {"POST /api/v1/categories", level::administer, true, 201,
       [&](const header_list& h) {
         return post_json(port, "/api/v1/categories",
                          {{"key", "matrix-" + std::to_string(++categories_added)}, {"label", "Matrix"}}, h);
       }},
      {"PATCH /api/v1/departments/{key}", level::administer, true, 200,
       [&](const header_list& h) {
         auto headers = h;
         headers.emplace_back("Content-Type", "application/json");
         return request(port, http::verb::patch, "/api/v1/departments/dsb", R"({"label":"Dienst Stadsbeheer"})", headers);
       }},
      {"GET /api/v1/users", level::administer, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/users", h); }},
      {"GET /api/v1/tokens", level::administer, false, 200,
       [&](const header_list& h) { return get(port, "/api/v1/tokens", h); }},
      {"GET /api/v1/events", level::team, false, 200,
       [&](const header_list& h) {
         // An event stream does not end: read what arrives in half a second, status line first.
         std::string raw = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                           "Connection: close\r\n";
         for (const auto& [k, v] : h) raw += k + ": " + v + "\r\n";
         const auto answer = raw_exchange(port, raw + "\r\n", std::chrono::milliseconds(500));
         response r;
         if (answer.size() > 12) r.status = static_cast<unsigned>(std::stoi(answer.substr(9, 3)));
         const auto body_at = answer.find("\r\n\r\n");
         r.body = body_at == std::string::npos ? "" : answer.substr(body_at + 4);
         if (r.status != 200) {
           // Error bodies are JSON; the chunked framing of a 401/403 is not used (Content-Length).
           r.headers["content-type"] = "application/json";
         }
         return r;
       }},
  };

  const who all[] = {who::nobody,        who::triager_session, who::manager_session,
                     who::admin_session, who::triager_token,   who::manager_token,
                     who::revoked_token, who::expired_session, who::session_without_csrf};
  std::size_t cells = 0;
  for (const auto& e : endpoints) {
    for (const auto w : all) {
      const auto r = e.call(credentials(w));
      INFO(e.label << " with " << name_of(w) << ": " << r.body);
      CHECK(r.status == expected(e, w));
      if (r.status == 401 || r.status == 403) CHECK(json::parse(r.body).at("error").at("code").is_string());
      ++cells;
    }
  }
  CHECK(cells == endpoints.size() * std::size(all));
}

TEST_CASE("login gives an HttpOnly, SameSite=Strict session cookie and the CSRF token", "[access][session]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);

  const auto r = post_json(srv.port(), "/api/v1/session", {{"username", "anna"}, {"password", test_password}});
  REQUIRE(r.status == 200);
  const auto j = r.json();
  CHECK(j.at("username") == "anna");
  CHECK(j.at("role") == "triager");
  CHECK(j.at("csrf_token").get<std::string>().size() >= 22);
  CHECK(r.header("cache-control") == "no-store");
  const auto cookie = r.header("set-cookie");
  CHECK(cookie.rfind("rk_session=", 0) == 0);
  CHECK(cookie.find("; HttpOnly") != std::string::npos);
  CHECK(cookie.find("; SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("; Path=/") != std::string::npos);
  // Plain HTTP from this machine is development: no Secure unless asked for.
  CHECK(cookie.find("Secure") == std::string::npos);
  const auto value = cookie.substr(11, cookie.find(';') - 11);
  CHECK(value.size() >= 43);  // 256 bits

  // GET returns the same for the session.
  const auto again = get(srv.port(), "/api/v1/session", {{"Cookie", "rk_session=" + value}});
  REQUIRE(again.status == 200);
  CHECK(again.json() == j);

  // The database knows the session only by a hash.
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  SQLite::Statement q(d, "SELECT count(*) FROM sessions WHERE instr(CAST(id_hash AS TEXT), ?1) > 0");
  q.bind(1, value);
  q.executeStep();
  CHECK(q.getColumn(0).getInt() == 0);
}

TEST_CASE("the Secure attribute is set behind HTTPS and when configured", "[access][session]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db, {"--cookie-secure", "always"});
  const auto r = post_json(srv.port(), "/api/v1/session", {{"username", "anna"}, {"password", test_password}});
  REQUIRE(r.status == 200);
  CHECK(r.header("set-cookie").find("; Secure") != std::string::npos);

  server_process proxied(dir.file("rk2.db"), {"--trusted-proxies", "127.0.0.1"});
  add_user(dir.file("rk2.db"), "anna", "triager");
  const auto p = post_json(proxied.port(), "/api/v1/session", {{"username", "anna"}, {"password", test_password}},
                           {{"X-Forwarded-Proto", "https"}});
  REQUIRE(p.status == 200);
  CHECK(p.header("set-cookie").find("; Secure") != std::string::npos);
  // The tracking link follows the scheme the trusted proxy reports; from others it is http.
  const auto https = post_json(proxied.port(), "/api/v1/reports", valid_report(),
                               {{"X-Forwarded-Proto", "https"}, {"Host", "rodeknop.example.nl"}});
  REQUIRE(https.status == 201);
  CHECK(https.json().at("tracking_url").get<std::string>().rfind("https://rodeknop.example.nl/volg/", 0) == 0);
  const auto plain = post_json(srv.port(), "/api/v1/reports", valid_report(),
                               {{"X-Forwarded-Proto", "https"}, {"Host", "rodeknop.example.nl"}});
  REQUIRE(plain.status == 201);
  CHECK(plain.json().at("tracking_url").get<std::string>().rfind("http://rodeknop.example.nl/volg/", 0) == 0);
}

TEST_CASE("unknown user and wrong password get one and the same answer", "[access][session]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const auto wrong = post_json(srv.port(), "/api/v1/session", {{"username", "anna"}, {"password", "wrong password!"}});
  const auto unknown = post_json(srv.port(), "/api/v1/session", {{"username", "nobody"}, {"password", "wrong password!"}});
  require_error(wrong, 401, "invalid_credentials");
  require_error(unknown, 401, "invalid_credentials");
  CHECK(wrong.body == unknown.body);
  CHECK(wrong.header("set-cookie").empty());

  require_error(post_json(srv.port(), "/api/v1/session", {{"username", "anna"}}), 422, "validation_failed");
  require_error(post_json(srv.port(), "/api/v1/session", {{"username", "anna"}, {"password", 5}}), 400, "wrong_type");
  require_error(post_json(srv.port(), "/api/v1/session", {{"username", "anna"}, {"password", "x"}, {"role", "admin"}}),
                400, "unknown_field");
}

TEST_CASE("every login gets a new session id and ends the one the browser had (no fixation)", "[access][session]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const auto first = login(srv.port(), "anna");
  const auto r = post_json(srv.port(), "/api/v1/session", {{"username", "anna"}, {"password", test_password}},
                           {{"Cookie", first.cookie}});
  REQUIRE(r.status == 200);
  const auto second = r.header("set-cookie").substr(0, r.header("set-cookie").find(';'));
  CHECK(second != first.cookie);
  CHECK(r.json().at("csrf_token") != first.csrf);
  require_error(get(srv.port(), "/api/v1/session", {{"Cookie", first.cookie}}), 401, "session_expired");
  CHECK(get(srv.port(), "/api/v1/session", {{"Cookie", second}}).status == 200);
}

TEST_CASE("logout ends the session on the server", "[access][session]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const auto s = login(srv.port(), "anna");
  const auto out = request(srv.port(), http::verb::delete_, "/api/v1/session", {}, s.headers());
  REQUIRE(out.status == 204);
  CHECK(out.header("set-cookie").find("Max-Age=0") != std::string::npos);
  // Replaying the old cookie does not work.
  require_error(get(srv.port(), "/api/v1/session", s.headers()), 401, "session_expired");
}

TEST_CASE("sessions end after the idle time and after the absolute lifetime", "[access][session]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const auto idle = login(srv.port(), "anna");
  const auto old = login(srv.port(), "anna");
  const auto fresh = login(srv.port(), "anna");
  CHECK(get(srv.port(), "/api/v1/session", idle.headers()).status == 200);

  SQLite::Database d(db, SQLite::OPEN_READWRITE, 5000);
  const auto set_idle = [&](const session& s, int seconds) {
    SQLite::Statement st(d, "UPDATE sessions SET last_seen_at = strftime('%s','now') - ?2, "
                            "created_at = strftime('%s','now') - ?2 WHERE csrf_token = ?1");
    st.bind(1, s.csrf);
    st.bind(2, seconds);
    REQUIRE(st.exec() == 1);
  };
  // Unused for 7 h 59 min is fine (and the use counts as activity); for 8 h 1 min it is not.
  set_idle(fresh, 8 * 3600 - 60);
  CHECK(get(srv.port(), "/api/v1/session", fresh.headers()).status == 200);
  set_idle(idle, 8 * 3600 + 60);
  require_error(get(srv.port(), "/api/v1/session", idle.headers()), 401, "session_expired");

  // Kept busy, a session still ends 12 h after login.
  SQLite::Statement abs(d, "UPDATE sessions SET created_at = strftime('%s','now') - 12 * 3600 - 60 WHERE csrf_token = ?1");
  abs.bind(1, old.csrf);
  REQUIRE(abs.exec() == 1);
  require_error(get(srv.port(), "/api/v1/session", old.headers()), 401, "session_expired");
  CHECK(get(srv.port(), "/api/v1/session", fresh.headers()).status == 200);
}

TEST_CASE("state changes by cookie need the CSRF token and a same-origin Origin", "[access][csrf]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const auto port = srv.port();
  const std::string host = "127.0.0.1:" + std::to_string(port);

  const auto s = login(port, "anna");
  require_error(request(port, http::verb::delete_, "/api/v1/session", {}, s.headers(false)), 403, "csrf_failed");
  require_error(request(port, http::verb::delete_, "/api/v1/session", {}, {{"Cookie", s.cookie}, {"X-CSRF-Token", "nope"}}),
                403, "csrf_failed");
  auto cross = s.headers();
  cross.emplace_back("Origin", "https://evil.example");
  require_error(request(port, http::verb::delete_, "/api/v1/session", {}, cross), 403, "csrf_failed");
  // An opaque origin ("null", sent by sandboxed frames) counts as same-origin only when the
  // browser says so in Sec-Fetch-Site.
  auto opaque = s.headers();
  opaque.emplace_back("Origin", "null");
  require_error(request(port, http::verb::delete_, "/api/v1/session", {}, opaque), 403, "csrf_failed");
  opaque.emplace_back("Sec-Fetch-Site", "cross-site");
  require_error(request(port, http::verb::delete_, "/api/v1/session", {}, opaque), 403, "csrf_failed");
  // The session survived those attempts; a same-origin request with the token works.
  auto same = s.headers();
  same.emplace_back("Origin", "http://" + host);
  CHECK(request(port, http::verb::delete_, "/api/v1/session", {}, same).status == 204);

  // Logging in by JSON follows the login form's rule: not from another site.
  const nlohmann::json credentials = {{"username", "anna"}, {"password", test_password}};
  const auto forged = post_json(port, "/api/v1/session", credentials, {{"Origin", "https://evil.example"}});
  require_error(forged, 403, "csrf_failed");
  CHECK(forged.header("set-cookie").empty());
  CHECK(post_json(port, "/api/v1/session", credentials, {{"Origin", "http://" + host}}).status == 200);
  CHECK(post_json(port, "/api/v1/session", credentials).status == 200);  // a script sends no Origin
}

TEST_CASE("failed logins are throttled per account and per address with 429 and Retry-After", "[access][throttle]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  add_user(db, "bert", "triager");
  server_process srv(db);
  const auto port = srv.port();
  for (int i = 0; i < 5; ++i)
    require_error(post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", "wrong password " + std::to_string(i)}}),
                  401, "invalid_credentials");
  const auto blocked = post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", test_password}});
  require_error(blocked, 429, "too_many_attempts");
  const auto retry = std::stoi(blocked.header("retry-after"));
  CHECK(retry >= 1);
  CHECK(retry <= 30);
  // Other accounts can still log in.
  CHECK(post_json(port, "/api/v1/session", {{"username", "bert"}, {"password", test_password}}).status == 200);

  // One address trying many accounts is throttled as well (after 100 failures: an office
  // behind one address may mistype that often).
  for (int i = 0; i < 100; ++i)
    post_json(port, "/api/v1/session", {{"username", "guess" + std::to_string(i)}, {"password", "wrong password!"}});
  require_error(post_json(port, "/api/v1/session", {{"username", "bert"}, {"password", test_password}}), 429,
                "too_many_attempts");
}

TEST_CASE("someone guessing an account's password from one address does not lock its owner out elsewhere",
          "[access][throttle]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db, {"--trusted-proxies", "127.0.0.1"});
  const auto port = srv.port();
  const auto login = [&](const std::string& address, const std::string& password) {
    return post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", password}},
                     {{"X-Forwarded-For", address}});
  };
  for (int i = 0; i < 5; ++i) require_error(login("10.6.6.6", "wrong password " + std::to_string(i)), 401, "invalid_credentials");
  require_error(login("10.6.6.6", test_password), 429, "too_many_attempts");
  // Anna at her own desk logs in.
  CHECK(login("10.1.2.3", test_password).status == 200);

  // Guessing spread over many addresses still makes the account wait (25 failures in all)...
  for (int i = 0; i < 25; ++i) login("10.7.0." + std::to_string(i), "wrong password!");
  require_error(login("10.1.2.4", test_password), 429, "too_many_attempts");
  // A client's own X-Forwarded-For line before the proxy's counts for nothing: the proxy's last
  // line names the address (here a new place, which waits; anna's desk would not).
  const auto two_lines = post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", test_password}},
                                   {{"X-Forwarded-For", "10.1.2.3"}, {"X-Forwarded-For", "10.9.9.9"}});
  require_error(two_lines, 429, "too_many_attempts");
  // ...but not at the address anna logged in from: the guessers cannot keep her out.
  CHECK(login("10.1.2.3", test_password).status == 200);
}

TEST_CASE("a new password or enabling the account again lifts its login throttle", "[access][throttle]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const auto port = srv.port();
  const auto lock_out = [&](const std::string& password) {
    for (int i = 0; i < 6; ++i)
      post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", "wrong password " + std::to_string(i)}});
    require_error(post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", password}}), 429,
                  "too_many_attempts");
  };
  // Locked out by someone guessing; the admin sets a new password (the server reads it from the
  // database): its owner may log in with it at once, the guesser's failures counted against the old.
  lock_out(test_password);
  REQUIRE(run_command({"user", "passwd", "--db", db, "--username", "anna"}, "een nieuw wachtwoord\n").exit_status == 0);
  CHECK(post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", "een nieuw wachtwoord"}}).status == 200);

  // The same when the admin disabled the account and enables it again (a change is known to the
  // second: the next one comes in another second than the password's).
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  lock_out("een nieuw wachtwoord");
  REQUIRE(run_command({"user", "disable", "--db", db, "--username", "anna"}).exit_status == 0);
  REQUIRE(run_command({"user", "enable", "--db", db, "--username", "anna"}).exit_status == 0);
  CHECK(post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", "een nieuw wachtwoord"}}).status == 200);

  // Without either, the throttle holds.
  lock_out("een nieuw wachtwoord");
  require_error(post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", "een nieuw wachtwoord"}}), 429,
                "too_many_attempts");
}

TEST_CASE("a burst of logins does not stall other requests (hashing is off the I/O threads)", "[access][session]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  for (int i = 0; i < 6; ++i) add_user(db, "user" + std::to_string(i), "triager");
  server_process srv(db, {"--threads", "1"});
  const auto port = srv.port();
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::future<response>> logins;
  for (int i = 0; i < 6; ++i)
    logins.push_back(std::async(std::launch::async, [port, i] {
      return post_json(port, "/api/v1/session", {{"username", "user" + std::to_string(i)}, {"password", test_password}});
    }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto t0 = std::chrono::steady_clock::now();
  const auto health = get(port, "/healthz");
  const auto health_time = std::chrono::steady_clock::now() - t0;
  for (auto& f : logins) CHECK(f.get().status == 200);
  const auto burst_time = std::chrono::steady_clock::now() - started;
  CHECK(health.status == 200);
  INFO("healthz " << std::chrono::duration<double>(health_time).count() << " s during a login burst of "
                  << std::chrono::duration<double>(burst_time).count() << " s");
  // With one I/O thread, hashing on it would make /healthz wait for the whole burst.
  CHECK(health_time * 3 < burst_time);
}

TEST_CASE("API tokens work as Bearer and a revoked token is refused at once", "[access][tokens]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto token = create_token(db, "powerbi", "manager");
  CHECK(token.rfind("rk_", 0) == 0);
  server_process srv(db);
  const auto r = get(srv.port(), "/api/v1/session", bearer(token));
  REQUIRE(r.status == 200);
  CHECK(r.json().at("role") == "manager");
  require_error(get(srv.port(), "/api/v1/session", bearer(token + "x")), 401, "invalid_token");
  require_error(get(srv.port(), "/api/v1/session", {{"Authorization", "Basic YTpi"}}), 401, "unauthenticated");
  CHECK(get(srv.port(), "/api/v1/session", {}).header("www-authenticate").find("Bearer") == 0);
  // RFC 9110 11.4: the scheme in any case, then one or more spaces.
  for (const std::string& value : {"Bearer  " + token, "bearer " + token, "BEARER   " + token}) {
    INFO(value);
    REQUIRE(get(srv.port(), "/api/v1/session", {{"Authorization", value}}).status == 200);
  }
  for (const std::string& value : {"Bearer" + token, "Bearer\t" + token, std::string("Bearer  "), "Bearerx " + token}) {
    INFO(value);
    require_error(get(srv.port(), "/api/v1/session", {{"Authorization", value}}), 401, "unauthenticated");
  }
  // An event stream rechecks the token it was opened with, however it was spelled.
  {
    const auto stream = raw_exchange(srv.port(), "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer   " +
                                                     token + "\r\n\r\n", std::chrono::milliseconds(3000));
    REQUIRE(stream.rfind("HTTP/1.1 200", 0) == 0);
  }

  const auto list = run_command({"token", "list", "--db", db});
  REQUIRE(list.exit_status == 0);
  CHECK(list.out.find("powerbi\tmanager\tactive") != std::string::npos);
  CHECK(list.out.find(token.substr(3)) == std::string::npos);

  // The server keeps verified tokens while the database is unchanged: a revocation by another
  // process (the command line) still counts from the very next request.
  for (int i = 0; i < 3; ++i) REQUIRE(get(srv.port(), "/api/v1/session", bearer(token)).status == 200);
  REQUIRE(run_command({"token", "revoke", "--db", db, "--name", "powerbi"}).exit_status == 0);
  require_error(get(srv.port(), "/api/v1/session", bearer(token)), 401, "invalid_token");
  CHECK(run_command({"token", "revoke", "--db", db, "--name", "powerbi"}).exit_status != 0);
}

TEST_CASE("user commands: add, list, set-role, disable, passwd", "[access][cli]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  // Too short a password is refused, with a message.
  const auto short_pw = run_command({"user", "add", "--db", db, "--username", "anna", "--role", "triager"}, "kort\n");
  CHECK(short_pw.exit_status != 0);
  CHECK(short_pw.err.find("at least 8 characters") != std::string::npos);
  CHECK(run_command({"user", "add", "--db", db, "--username", "anna", "--role", "boss"}, test_password + "\n")
            .exit_status != 0);
  add_user(db, "anna", "triager");
  CHECK(run_command({"user", "add", "--db", db, "--username", "anna", "--role", "admin"}, test_password + "\n")
            .exit_status != 0);

  server_process srv(db);
  const auto s = login(srv.port(), "anna");
  // Sessions the server has verified are kept while the database is unchanged; changes made by
  // the command line (another process) still count from the very next request.
  for (int i = 0; i < 3; ++i) REQUIRE(get(srv.port(), "/api/v1/session", s.headers()).json().at("role") == "triager");
  REQUIRE(run_command({"user", "set-role", "--db", db, "--username", "anna", "--role", "manager"}).exit_status == 0);
  CHECK(get(srv.port(), "/api/v1/session", s.headers()).json().at("role") == "manager");

  const auto list = run_command({"user", "list", "--db", db});
  CHECK(list.out.find("anna\tmanager\tactive") != std::string::npos);
  CHECK(list.out.find("argon2") == std::string::npos);

  REQUIRE(run_command({"user", "passwd", "--db", db, "--username", "anna"}, "a brand new password\n").exit_status == 0);
  CHECK(post_json(srv.port(), "/api/v1/session", {{"username", "anna"}, {"password", test_password}}).status == 401);
  // The new password also ended the session that was open.
  CHECK(get(srv.port(), "/api/v1/session", s.headers()).status == 401);
  const auto again = login(srv.port(), "anna", "a brand new password");

  for (int i = 0; i < 3; ++i) REQUIRE(get(srv.port(), "/api/v1/session", again.headers()).status == 200);
  REQUIRE(run_command({"user", "disable", "--db", db, "--username", "anna"}).exit_status == 0);
  CHECK(get(srv.port(), "/api/v1/session", again.headers()).status == 401);
  require_error(post_json(srv.port(), "/api/v1/session", {{"username", "anna"}, {"password", "a brand new password"}}),
                401, "invalid_credentials");
  CHECK(run_command({"user", "disable", "--db", db, "--username", "nobody"}).exit_status != 0);
}

TEST_CASE("single sign-on headers count only from a trusted proxy", "[access][sso]") {
  temp_dir dir;
  const std::vector<std::string> sso = {"--sso-group-roles", "rk-team=triager;rk-mt=manager"};

  SECTION("trusted proxy") {
    auto args = sso;
    args.insert(args.end(), {"--trusted-proxies", "127.0.0.1"});
    server_process srv(dir.file("rk.db"), args);
    const auto r = get(srv.port(), "/api/v1/session", {{"X-Remote-User", "jdevries"}, {"X-Remote-Groups", "staf,rk-team"}});
    REQUIRE(r.status == 200);
    CHECK(r.json().at("username") == "jdevries");
    CHECK(r.json().at("role") == "triager");
    // The CSRF token of an SSO user is stable, and state changes need it.
    const auto csrf = r.json().at("csrf_token").get<std::string>();
    CHECK(get(srv.port(), "/api/v1/session", {{"X-Remote-User", "jdevries"}, {"X-Remote-Groups", "rk-team"}})
              .json()
              .at("csrf_token") == csrf);
    // A civil servant without a team group is known but may not use team endpoints.
    require_error(get(srv.port(), "/api/v1/session", {{"X-Remote-User", "piet"}, {"X-Remote-Groups", "staf"}}), 403,
                  "forbidden");

    // A report sent through the proxy keeps the reporter's identity, never shown on the tracking view.
    const auto created = post_json(srv.port(), "/api/v1/reports", valid_report(), {{"X-Remote-User", "piet"}});
    REQUIRE(created.status == 201);
    const auto track = get(srv.port(), "/api/v1/track/" + created.json().at("tracking_token").get<std::string>());
    REQUIRE(track.status == 200);
    CHECK(track.body.find("piet") == std::string::npos);
    // The form tells a reporter known through the proxy that the team sees their user name
    // (it does not promise anonymity).
    const auto form = get(srv.port(), "/", {{"X-Remote-User", "piet"}});
    CHECK(form.body.find("aangemeld als <strong class=\"rk-known-as\">piet</strong>") != std::string::npos);
    CHECK(form.body.find("U mag anoniem melden") == std::string::npos);
    CHECK(get(srv.port(), "/").body.find("U mag anoniem melden") != std::string::npos);

    // Another site's form may not file a report in the name of whoever's browser sends it.
    const std::string fields = "title=Vervalst&procedure=p&description=d&department=dpz&category=anders";
    const auto forged = request(srv.port(), http::verb::post, "/api/v1/reports", fields,
                                {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Remote-User", "piet"},
                                 {"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}});
    CHECK(forged.status == 403);
    CHECK(forged.body.find("Melding niet verstuurd") != std::string::npos);
    require_error(post_json(srv.port(), "/api/v1/reports", valid_report(),
                            {{"X-Remote-User", "piet"}, {"Origin", "https://evil.example"}}),
                  403, "cross_site_refused");
    // Rode Knop's own page may (a browser that says `Origin: null` with Sec-Fetch-Site same-origin).
    const auto ours = request(srv.port(), http::verb::post, "/api/v1/reports", fields,
                              {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Remote-User", "piet"},
                               {"Origin", "null"}, {"Sec-Fetch-Site", "same-origin"}});
    CHECK(ours.status == 303);

    // A user name that is no plausible account name is no identity (markup, a token's name).
    for (const char* odd : {"<img src=x onerror=alert(1)>", "token:powerbi", "(unknown)"})
      require_error(get(srv.port(), "/api/v1/session", {{"X-Remote-User", odd}, {"X-Remote-Groups", "rk-team"}}), 401,
                    "unauthenticated");
    srv.stop();
    CHECK(srv.output().find("\"auth.implausible_identity_header\"") != std::string::npos);
    SQLite::Database d(dir.file("rk.db"), SQLite::OPEN_READONLY);
    CHECK(d.execAndGet("SELECT count(*) FROM reports WHERE reporter_identity = 'piet'").getInt() == 2);
    CHECK(d.execAndGet("SELECT count(*) FROM reports WHERE title = 'Vervalst'").getInt() == 1);
  }
  SECTION("untrusted peer: ignored and logged as suspicious") {
    auto args = sso;
    args.insert(args.end(), {"--trusted-proxies", "10.0.0.1"});
    server_process srv(dir.file("rk.db"), args);
    require_error(get(srv.port(), "/api/v1/session", {{"X-Remote-User", "jdevries"}, {"X-Remote-Groups", "rk-team"}}),
                  401, "unauthenticated");
    const auto created = post_json(srv.port(), "/api/v1/reports", valid_report(), {{"X-Remote-User", "piet"}});
    REQUIRE(created.status == 201);
    srv.stop();
    CHECK(srv.output().find("\"auth.untrusted_identity_header\"") != std::string::npos);
    SQLite::Database d(dir.file("rk.db"), SQLite::OPEN_READONLY);
    CHECK(d.execAndGet("SELECT reporter_identity IS NULL FROM reports").getInt() == 1);
  }
  SECTION("single sign-on off by default") {
    server_process srv(dir.file("rk.db"), sso);
    require_error(get(srv.port(), "/api/v1/session", {{"X-Remote-User", "jdevries"}, {"X-Remote-Groups", "rk-team"}}),
                  401, "unauthenticated");
  }
}

TEST_CASE("the security log records logins, failures, logouts and refusals without secrets", "[access][log]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  const auto token = create_token(db, "powerbi", "manager");
  server_process srv(db);
  const auto port = srv.port();
  post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", "wrong password!"}});
  // A password typed into the username field (no such account) is not logged either, also not
  // when the attempts are throttled.
  for (int i = 0; i < 6; ++i) post_json(port, "/api/v1/session", {{"username", "Zomer2026Geheim"}, {"password", "anna"}});
  const auto s = login(port, "anna");
  get(port, "/api/v1/session", bearer(token));
  get(port, "/api/v1/session", bearer("rk_notatokenatallnotatokenatallnotatokenatall"));
  request(port, http::verb::delete_, "/api/v1/session", {}, s.headers(false));
  request(port, http::verb::delete_, "/api/v1/session", {}, s.headers());
  srv.stop();
  const auto log = srv.output();
  for (const char* event : {"auth.login_failed", "auth.login_throttled", "auth.login", "auth.token_used",
                            "auth.token_refused", "auth.csrf_refused", "auth.logout"})
    CHECK(log.find(std::string("\"event\":\"") + event + "\"") != std::string::npos);
  CHECK(log.find(test_password) == std::string::npos);
  CHECK(log.find("wrong password!") == std::string::npos);
  CHECK(log.find("Zomer2026Geheim") == std::string::npos);
  CHECK(log.find("\"reason\":\"unknown_user\"") != std::string::npos);
  CHECK(log.find(s.cookie.substr(11)) == std::string::npos);
  CHECK(log.find(s.csrf) == std::string::npos);
  CHECK(log.find(token.substr(3)) == std::string::npos);
}

TEST_CASE("the login page logs in with a plain form and names problems in Dutch", "[access][pages]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  add_user(db, "mo", "manager");
  server_process srv(db);
  const auto port = srv.port();
  const auto page = get(port, "/login?next=/team%3Fweek%3D2026-W48&reden=verlopen");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Uw sessie is verlopen") != std::string::npos);
  CHECK(page.body.find("value=\"/team?week=2026-W48\"") != std::string::npos);

  const auto wrong = post_form(port, "/login", "username=anna&password=fout&next=%2Fteam");
  CHECK(wrong.status == 401);
  CHECK(wrong.body.find("Gebruikersnaam of wachtwoord is onjuist") != std::string::npos);
  CHECK(wrong.header("set-cookie").empty());

  const auto ok = post_form(port, "/login", "username=anna&password=correct+horse+battery+staple&next=%2Fteam%3Fweek%3D2026-W48");
  REQUIRE(ok.status == 303);
  CHECK(ok.header("location") == "/team?week=2026-W48");
  CHECK(ok.header("set-cookie").rfind("rk_session=", 0) == 0);

  // Another site's form may not log the browser in (login CSRF); our own page's post may.
  const auto forged = request(port, http::verb::post, "/login", "username=anna&password=correct+horse+battery+staple",
                              {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "https://evil.example"}});
  CHECK(forged.status == 403);
  CHECK(forged.header("set-cookie").empty());
  CHECK(forged.body.find("Verzoek geweigerd") != std::string::npos);
  const auto forged_no_origin =
      request(port, http::verb::post, "/login", "username=anna&password=correct+horse+battery+staple",
              {{"Content-Type", "application/x-www-form-urlencoded"}, {"Sec-Fetch-Site", "cross-site"}});
  CHECK(forged_no_origin.status == 403);
  CHECK(forged_no_origin.header("set-cookie").empty());
  const auto ours = request(port, http::verb::post, "/login", "username=anna&password=correct+horse+battery+staple",
                            {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "null"},
                             {"Sec-Fetch-Site", "same-origin"}});
  CHECK(ours.status == 303);

  // Without a next page, managers land on the statistics; another site is never a destination.
  const auto manager = post_form(port, "/login", "username=mo&password=correct+horse+battery+staple&next=%2F%2Fevil.example");
  REQUIRE(manager.status == 303);
  CHECK(manager.header("location") == "/stats");

  // Logout through the header's form (CSRF as a hidden field).
  const auto cookie = ok.header("set-cookie").substr(0, ok.header("set-cookie").find(';'));
  const auto csrf = get(port, "/api/v1/session", {{"Cookie", cookie}}).json().at("csrf_token").get<std::string>();
  // Logged in, the login page sends one on (to the page asked for, else the role's page).
  const auto again = get(port, "/login", {{"Cookie", cookie}});
  REQUIRE(again.status == 303);
  CHECK(again.header("location") == "/team");
  CHECK(get(port, "/login?next=%2Fteam%3Fweek%3D2026-W47", {{"Cookie", cookie}}).header("location") == "/team?week=2026-W47");
  // A page the role may not open is no destination: the role's own page instead.
  CHECK(get(port, "/login?next=%2Fstats", {{"Cookie", cookie}}).header("location") == "/team");
  // A browser that says `Origin: null` (as Chromium did under Referrer-Policy no-referrer) with
  // `Sec-Fetch-Site: same-origin` is believed.
  const auto out = request(port, http::verb::post, "/logout", "csrf_token=" + csrf,
                           {{"Cookie", cookie}, {"Content-Type", "application/x-www-form-urlencoded"},
                            {"Origin", "null"}, {"Sec-Fetch-Site", "same-origin"}});
  REQUIRE(out.status == 303);
  CHECK(out.header("location") == "/login?reden=uitgelogd");
  CHECK(get(port, "/api/v1/session", {{"Cookie", cookie}}).status == 401);
  CHECK(get(port, "/login", {{"Cookie", cookie}}).status == 200);  // an ended session: the form

  for (int i = 0; i < 5; ++i) post_form(port, "/login", "username=anna&password=fout" + std::to_string(i));
  const auto throttled = post_form(port, "/login", "username=anna&password=correct+horse+battery+staple");
  CHECK(throttled.status == 429);
  CHECK(throttled.body.find("Te veel mislukte pogingen") != std::string::npos);
  CHECK_FALSE(throttled.header("retry-after").empty());
}

TEST_CASE("a manager's view of a report never holds the reporter's identity", "[access][identity]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto manager = create_token(db, "powerbi", "manager");
  const auto triager = create_token(db, "script", "triager");
  server_process srv(db, {"--trusted-proxies", "127.0.0.1"});
  const auto port = srv.port();
  auto body = valid_report("Melding met naam");
  body["reporter_name"] = "Fatima el Amrani";
  body["reporter_email"] = "f.elamrani@denhaag.nl";
  const auto created = post_json(port, "/api/v1/reports", body, {{"X-Remote-User", "felamrani"}});
  REQUIRE(created.status == 201);
  const auto id = std::to_string(created.json().at("id").get<long>());

  const auto full = get(port, "/api/v1/reports/" + id, bearer(triager));
  REQUIRE(full.status == 200);
  CHECK(full.json().at("reporter_name") == "Fatima el Amrani");
  CHECK(full.json().at("reporter_email") == "f.elamrani@denhaag.nl");
  CHECK(full.json().at("reporter_identity") == "felamrani");

  for (const auto& target : {"/api/v1/reports/" + id, std::string("/api/v1/reports?limit=50"),
                             std::string("/api/v1/reports?q=naam")}) {
    const auto r = get(port, target, bearer(manager));
    INFO(target << ": " << r.body);
    REQUIRE(r.status == 200);
    CHECK(r.body.find("Fatima") == std::string::npos);
    CHECK(r.body.find("elamrani") == std::string::npos);
    CHECK(r.body.find("reporter_name") == std::string::npos);
    CHECK(r.body.find("reporter_email") == std::string::npos);
    CHECK(r.body.find("reporter_identity") == std::string::npos);
  }
  // Nor does the reporter's own tracking view.
  const auto track = get(port, "/api/v1/track/" + created.json().at("tracking_token").get<std::string>());
  CHECK(track.body.find("felamrani") == std::string::npos);
}

TEST_CASE("team pages send a browser without a session to the login page and refuse wrong roles", "[access][pages]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "mo", "manager");
  server_process srv(db);
  const auto port = srv.port();
  const header_list browser = {{"Accept", "text/html,application/xhtml+xml"}};
  const auto anonymous = get(port, "/team?week=2026-W48", browser);
  REQUIRE(anonymous.status == 303);
  CHECK(anonymous.header("location") == "/login?next=/team%3Fweek%3D2026-W48&reden=inloggen");

  auto as_manager = login(port, "mo").headers(false);
  as_manager.insert(as_manager.end(), browser.begin(), browser.end());
  // Managers may read the dashboard (without identities) but not change anything.
  const auto now_page = get(port, "/team", as_manager);
  CHECK(now_page.status == 200);
  CHECK(now_page.body.find("Neem ze in deze volgorde door") != std::string::npos);
  // A past week says that its lists are as they stood at its end.
  const auto past_page = get(port, "/team?week=2026-W10", as_manager);
  CHECK(past_page.status == 200);
  CHECK(past_page.body.find("Zo stond de wachtrij aan het einde van week 10") != std::string::npos);
  CHECK(past_page.body.find("Neem ze in deze volgorde door") == std::string::npos);
  // An API client gets the JSON error instead of a redirect.
  require_error(get(port, "/api/v1/reports"), 401, "unauthenticated");

  // curl and scripts (Accept */* or none) get the page's redirect too; only a client that asks
  // for JSON alone gets the JSON error at a page's address.
  for (const std::string page : {"/team", "/stats", "/team/reports/1"}) {
    INFO(page);
    for (const header_list& h : {header_list{}, header_list{{"Accept", "*/*"}}}) {
      const auto r = get(port, page, h);
      CHECK(r.status == 303);
      CHECK(r.header("location").rfind("/login?next=", 0) == 0);
    }
    require_error(get(port, page, {{"Accept", "application/json"}}), 401, "unauthenticated");
  }

  // A report that does not exist is a 404 page, in the team's layout (with its menu).
  const auto missing = get(port, "/team/reports/999999", as_manager);
  CHECK(missing.status == 404);
  CHECK(missing.header("content-type").rfind("text/html", 0) == 0);
  CHECK(missing.body.find("Melding niet gevonden") != std::string::npos);
  CHECK(missing.body.find("Ingelogd als <strong>mo</strong>") != std::string::npos);
  CHECK(missing.body.find("href=\"/team\"") != std::string::npos);
  // The team's page has one name everywhere (WCAG 3.2.4): menu, back link and text.
  CHECK(missing.body.find(">Weekoverleg</a>") != std::string::npos);
  CHECK(missing.body.find("Naar het weekoverleg") != std::string::npos);
  CHECK(missing.body.find("eekoverzicht") == std::string::npos);

  // A reference in the address leads to the report's page; an unknown one is the same 404.
  const auto created = post_json(port, "/api/v1/reports", valid_report());
  REQUIRE(created.status == 201);
  const auto reference = created.json().at("reference").get<std::string>();
  const auto by_reference = get(port, "/team/reports/" + reference, as_manager);
  CHECK(by_reference.status == 303);
  CHECK(by_reference.header("location") == "/team/reports/" + std::to_string(created.json().at("id").get<std::int64_t>()));
  CHECK(get(port, "/team/reports/RK-2020-99999", as_manager).status == 404);
}

TEST_CASE("a login may spell the account name in any case, and the throttle counts both spellings as one",
          "[access][session]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "anna", "triager");
  server_process srv(db);
  const auto port = srv.port();
  const auto in = post_json(port, "/api/v1/session", {{"username", "ANNA"}, {"password", test_password}});
  REQUIRE(in.status == 200);
  CHECK(in.json().at("username") == "anna");  // the account's own spelling
  // Guessing under changing spellings is one account's failures.
  for (const char* name : {"Anna", "aNna", "anNa", "annA", "ANna"})
    require_error(post_json(port, "/api/v1/session", {{"username", name}, {"password", "wrong password!"}}), 401,
                  "invalid_credentials");
  require_error(post_json(port, "/api/v1/session", {{"username", "anna"}, {"password", test_password}}), 429,
                "too_many_attempts");
}

namespace {

// The status of the answer to a request sent as raw text (for repeated headers, which the
// harness's request builder would merge).
unsigned raw_status(unsigned short port, const std::string& text) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(socket, net::buffer(text));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  return res.result_int();
}

}  // namespace

TEST_CASE("behind single sign-on a reporter may still report anonymously", "[access][sso]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto triager = create_token(db, "script", "triager");
  server_process srv(db, {"--trusted-proxies", "127.0.0.1", "--sso-group-roles", "rk-team=triager"});
  const auto port = srv.port();
  const auto identity_of = [&](const response& created) {
    REQUIRE(created.header("location").rfind("/api/v1/reports/", 0) == 0);
    return get(port, created.header("location"), bearer(triager)).json().at("reporter_identity");
  };
  // The form offers it beside the user name it names.
  const auto form = get(port, "/", {{"X-Remote-User", "piet"}});
  CHECK(form.body.find("name=\"anonymous\"") != std::string::npos);
  CHECK(get(port, "/").body.find("name=\"anonymous\"") == std::string::npos);  // nobody known: anonymous anyway

  auto body = valid_report("Anoniem via het intranet");
  body["anonymous"] = true;
  const auto anonymous = post_json(port, "/api/v1/reports", body, {{"X-Remote-User", "piet"}});
  REQUIRE(anonymous.status == 201);
  CHECK(identity_of(anonymous).is_null());
  body["anonymous"] = false;
  CHECK(identity_of(post_json(port, "/api/v1/reports", body, {{"X-Remote-User", "piet"}})) == "piet");
  body["anonymous"] = "ja";
  require_error(post_json(port, "/api/v1/reports", body, {{"X-Remote-User", "piet"}}), 400, "wrong_type");

  // The form's checkbox; an anonymous report is no one's, wherever the form came from.
  const std::string fields = "title=Anoniem&procedure=p&description=d&department=dpz&category=anders&anonymous=1";
  const auto posted = request(port, http::verb::post, "/api/v1/reports", fields,
                              {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Remote-User", "piet"},
                               {"Origin", "null"}, {"Sec-Fetch-Site", "same-origin"}});
  REQUIRE(posted.status == 303);
  const auto refused = request(port, http::verb::post, "/api/v1/reports", fields.substr(0, fields.size() - 12),
                               {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Remote-User", "piet"},
                                {"Origin", "null"}, {"Sec-Fetch-Site", "same-site"}});
  CHECK(refused.status == 403);  // another site under the same domain may not send one in piet's name
  srv.stop();
  SQLite::Database d(db, SQLite::OPEN_READONLY);
  CHECK(d.execAndGet("SELECT count(*) FROM reports WHERE title = 'Anoniem' AND reporter_identity IS NULL").getInt() == 1);
  CHECK(d.execAndGet("SELECT count(*) FROM reports WHERE reporter_identity = 'piet'").getInt() == 1);
}

TEST_CASE("repeated identity headers identify nobody", "[access][sso]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto token = create_token(db, "script", "triager");
  server_process srv(db, {"--trusted-proxies", "127.0.0.1", "--sso-group-roles", "rk-team=triager;rk-mt=manager"});
  const auto port = srv.port();
  const std::string start = "GET /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  CHECK(raw_status(port, start + "X-Remote-User: jan\r\nX-Remote-Groups: rk-team\r\n\r\n") == 200u);
  // A proxy that adds its header to the client's: which came first says nothing.
  CHECK(raw_status(port, start + "X-Remote-User: baas\r\nX-Remote-User: jan\r\nX-Remote-Groups: rk-team\r\n\r\n") == 401u);
  CHECK(raw_status(port, start + "X-Remote-User: jan\r\nX-Remote-Groups: rk-mt\r\nX-Remote-Groups: rk-team\r\n\r\n") ==
        401u);
  CHECK(raw_status(port, start + "Authorization: Bearer " + token + "\r\n\r\n") == 200u);
  CHECK(raw_status(port, start + "Authorization: Bearer " + token + "\r\nAuthorization: Bearer rk_x\r\n\r\n") == 400u);
  srv.stop();
  CHECK(srv.output().find("\"auth.repeated_identity_header\"") != std::string::npos);
}
