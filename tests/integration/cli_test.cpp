// The command line of CONTRACT.md.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "harness.hpp"
#include "rodeknop/domain/calendar.hpp"

using namespace rk_test;

namespace {

/// YYYY-MM-DD of the day `days` after today in Europe/Amsterdam (as retention counts days).
std::string amsterdam_day_after_today(int days) {
  const auto today = rodeknop::domain::to_amsterdam(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())).date;
  const std::chrono::year_month_day d{std::chrono::sys_days{today} + std::chrono::days{days}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return text;
}

}  // namespace

TEST_CASE("serve creates the database and its schema when missing", "[cli]") {
  temp_dir dir;
  const auto db = dir.file("nieuw/rk.db");
  {
    server_process srv(db);
    REQUIRE(get(srv.port(), "/healthz").status == 200);
  }
  // Reporters' personal data: no access for other users of the machine, whatever the umask.
  for (const auto& file : {db, db + "-wal", db + "-shm"}) {
    if (!std::filesystem::exists(file)) continue;
    INFO(file);
    const auto perms = std::filesystem::status(file).permissions();
    CHECK((perms & std::filesystem::perms::others_all) == std::filesystem::perms::none);
    CHECK((perms & std::filesystem::perms::group_write) == std::filesystem::perms::none);
  }
  SQLite::Database check(db);
  REQUIRE(check.execAndGet("PRAGMA user_version").getInt() >= 1);
  REQUIRE(check.execAndGet("PRAGMA application_id").getInt() == 0x524B4E50);
  REQUIRE(check.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("a database newer than the program is refused with a clear message", "[cli]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  { server_process srv(db); }
  {
    SQLite::Database d(db, SQLite::OPEN_READWRITE);
    d.exec("PRAGMA user_version = 999");
  }
  const auto r = run_command({"serve", "--listen", "127.0.0.1:0", "--db", db});
  REQUIRE(r.exit_status != 0);
  REQUIRE(r.err.find("newer") != std::string::npos);
}

TEST_CASE("listen and db can come from the environment", "[cli]") {
  temp_dir dir;
  // --listen and --db are given by the harness; here RODEKNOP_THREADS comes from the environment.
  server_process srv(dir.file("rk.db"), {}, {{"RODEKNOP_THREADS", "1"}});
  REQUIRE(get(srv.port(), "/healthz").status == 200);
  const auto bad = run_command({"serve", "--listen", "nonsense", "--db", dir.file("x.db")});
  REQUIRE(bad.exit_status != 0);
  REQUIRE_FALSE(bad.err.empty());
  REQUIRE(bad.err.find('\n') == bad.err.size() - 1);  // one line
}

TEST_CASE("serve refuses, in one plain line, a --static without Rode Knop's pages and a port in use", "[cli]") {
  temp_dir dir;
  const auto no_pages = run_command({"serve", "--listen", "127.0.0.1:0", "--db", dir.file("rk.db"), "--static",
                                     dir.file("bestaat-niet")});
  CHECK(no_pages.exit_status != 0);
  CHECK(no_pages.err.find("templates/index.html is missing") != std::string::npos);
  CHECK(no_pages.err.find('\n') == no_pages.err.size() - 1);

  server_process srv(dir.file("rk.db"));
  const auto port = std::to_string(srv.port());
  const auto busy = run_command({"serve", "--listen", "127.0.0.1:" + port, "--db", dir.file("b.db"), "--static",
                                 RODEKNOP_STATIC_DIR});
  CHECK(busy.exit_status != 0);
  CHECK(busy.err.find("cannot listen on 127.0.0.1:" + port + ": Address already in use") != std::string::npos);
  CHECK(busy.err.find(".hpp") == std::string::npos);  // no source locations
  CHECK(busy.err.find('\n') == busy.err.size() - 1);

  // Values that could only misbehave are refused, naming the flag.
  const std::pair<std::vector<std::string>, std::string> bad[] = {
      {{"--base-url", "javascript:alert(1)"}, "--base-url"}, {{"--base-url", "not a url"}, "--base-url"},
      // The pages link from the root, a port is a number and a password does not go in links.
      {{"--base-url", "https://intranet.example/rodeknop"}, "not under a path"},
      {{"--base-url", "https://rk.example:abc"}, "--base-url"}, {{"--base-url", "https://rk.example:99999"}, "--base-url"},
      {{"--base-url", "https://beheer:geheim@rk.example"}, "--base-url"},
      {{"--header-timeout", "0"}, "--header-timeout"},     {{"--shutdown-grace", "-5"}, "--shutdown-grace"},
      {{"--write-timeout", "99999"}, "--write-timeout"}};
  for (const auto& [flags, name] : bad) {
    std::vector<std::string> args{"serve", "--listen", "127.0.0.1:0", "--db", dir.file("c.db")};
    args.insert(args.end(), flags.begin(), flags.end());
    const auto r = run_command(args);
    INFO(flags.front() << " " << flags.back() << ": " << r.err);
    CHECK(r.exit_status != 0);
    CHECK(r.err.find(name) != std::string::npos);
  }
}

TEST_CASE("commands that do not add refuse a database that is not there instead of making an empty one", "[cli]") {
  temp_dir dir;
  const auto typo = dir.file("rodeknp.db");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"user", "list", "--db", typo},
        {"token", "list", "--db", typo},
        {"department", "list", "--db", typo},
        {"category", "list", "--db", typo},
        {"user", "disable", "--db", typo, "--username", "anna"},
        {"user", "set-role", "--db", typo, "--username", "anna", "--role", "admin"},
        {"token", "revoke", "--db", typo, "--name", "bi"},
        {"department", "disable", "--db", typo, "--key", "dpz"},
        {"retention", "--db", typo, "--months", "3", "--dry-run"}}) {
    INFO(args[0]);
    const auto r = run_command(args);
    CHECK(r.exit_status != 0);
    CHECK(r.err.find("no database at " + typo) != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(typo));
  // Adding still makes the database, as before the server's first start.
  add_user(typo, "anna", "admin");
  CHECK(run_command({"user", "list", "--db", typo}).out.find("anna\tadmin\tactive") != std::string::npos);
}

TEST_CASE("backup makes a consistent copy while the server runs", "[cli][backup]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  server_process srv(db);
  for (int i = 0; i < 20; ++i) REQUIRE(post_json(srv.port(), "/api/v1/reports", valid_report()).status == 201);
  const auto r = run_command({"backup", "--db", db, "--to", dir.file("copy.db")});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  SQLite::Database copy(dir.file("copy.db"), SQLite::OPEN_READONLY);
  REQUIRE(copy.execAndGet("PRAGMA integrity_check").getString() == "ok");
  REQUIRE(copy.execAndGet("SELECT count(*) FROM reports").getInt() == 20);

  const auto missing = run_command({"backup", "--db", dir.file("missing.db"), "--to", dir.file("c2.db")});
  REQUIRE(missing.exit_status != 0);
  REQUIRE_FALSE(std::filesystem::exists(dir.file("c2.db")));
}

TEST_CASE("seed creates deterministic demo data", "[cli][seed]") {
  temp_dir dir;
  const auto a = run_command({"seed", "--db", dir.file("a.db"), "--count", "300", "--seed", "7"});
  const auto b = run_command({"seed", "--db", dir.file("b.db"), "--count", "300", "--seed", "7"});
  REQUIRE(a.exit_status == 0);
  REQUIRE(b.exit_status == 0);
  const auto dump = [](const std::string& file) {
    SQLite::Database d(file, SQLite::OPEN_READONLY);
    SQLite::Statement st(d, "SELECT reference, title, department, category, status FROM reports ORDER BY id");
    std::string out;
    while (st.executeStep())
      for (int i = 0; i < 5; ++i) out += st.getColumn(i).getString() + "|";
    return out;
  };
  const auto da = dump(dir.file("a.db"));
  REQUIRE(da == dump(dir.file("b.db")));
  SQLite::Database d(dir.file("a.db"), SQLite::OPEN_READONLY);
  REQUIRE(d.execAndGet("SELECT count(*) FROM reports").getInt() == 300);
  REQUIRE(d.execAndGet("SELECT count(DISTINCT status) FROM reports").getInt() >= 5);
  REQUIRE(d.execAndGet("SELECT count(DISTINCT department) FROM reports").getInt() == 6);
  REQUIRE(d.execAndGet("SELECT count(*) FROM events").getInt() > 300);

  const auto bad = run_command({"seed", "--db", dir.file("c.db"), "--count", "-1"});
  REQUIRE(bad.exit_status != 0);
}

TEST_CASE("retention erases the reporter's personal data of closed reports only", "[cli][retention]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto admin = create_token(db, "beheer", "admin");
  server_process srv(db);
  const auto port = srv.port();
  const auto create = [&](const std::string& title) {
    const auto r = post_json(port, "/api/v1/reports", valid_report(title));
    REQUIRE(r.status == 201);
    return std::to_string(r.json().at("id").get<long>());
  };
  const auto patch = [&](const std::string& id, const std::string& body) {
    auto h = bearer(admin);
    h.emplace_back("Content-Type", "application/json");
    h.emplace_back("If-Match", get(port, "/api/v1/reports/" + id, bearer(admin)).header("etag"));
    const auto r = request(port, boost::beast::http::verb::patch, "/api/v1/reports/" + id, body, h);
    INFO(r.body);
    REQUIRE(r.status == 200);
  };
  const auto closed = create("Afgewezen melding");
  patch(closed, R"({"status":"rejected","note":"Valt buiten de gemeente."})");
  const auto open = create("Lopende melding");
  patch(open, R"({"status":"accepted"})");
  const auto stats_before = get(port, "/api/v1/stats/monthly", bearer(admin)).body;
  const auto before = get(port, "/api/v1/reports/" + closed, bearer(admin));
  const auto etag_before = before.header("etag");
  const auto updated_before = before.json().at("updated_at").get<std::string>();

  // Tomorrow as the cut-off: every report closed so far counts. A later day is refused (a typing
  // error in a command that cannot be undone), and erases nothing.
  const auto cutoff = amsterdam_day_after_today(1);
  const auto too_late = run_command({"retention", "--db", db, "--closed-before", amsterdam_day_after_today(2)});
  CHECK(too_late.exit_status != 0);
  CHECK(too_late.err.find("lies beyond tomorrow") != std::string::npos);
  CHECK(too_late.err.find(cutoff) != std::string::npos);  // names the last day it takes
  CHECK(run_command({"retention", "--db", db, "--closed-before", "2062-01-01"}).exit_status != 0);
  const auto dry = run_command({"retention", "--db", db, "--closed-before", cutoff, "--dry-run"});
  INFO(dry.err);
  REQUIRE(dry.exit_status == 0);
  REQUIRE(dry.err.find("would erase the reporter's personal data of 1 reports") != std::string::npos);
  REQUIRE(get(port, "/api/v1/reports/" + closed, bearer(admin)).json().at("reporter_name") == "Fatima el Amrani");

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // updated_at counts in seconds
  const auto done = run_command({"retention", "--db", db, "--closed-before", cutoff});
  INFO(done.err);
  REQUIRE(done.exit_status == 0);
  REQUIRE(done.err.find("erased the reporter's personal data of 1 reports") != std::string::npos);

  const auto erased = get(port, "/api/v1/reports/" + closed, bearer(admin));
  REQUIRE(erased.json().at("reporter_name").is_null());
  REQUIRE(erased.json().at("reporter_email").is_null());
  REQUIRE(erased.json().at("title") == "Afgewezen melding");
  REQUIRE(erased.json().at("status") == "rejected");
  REQUIRE(erased.header("etag") != etag_before);
  // Tools that follow changes by updated_at see the erasure.
  REQUIRE(erased.json().at("updated_at").get<std::string>() > updated_before);
  REQUIRE(get(port, "/api/v1/reports/" + open, bearer(admin)).json().at("reporter_name") == "Fatima el Amrani");
  REQUIRE(get(port, "/api/v1/stats/monthly", bearer(admin)).body == stats_before);

  // Nothing more to do; a cut-off in months that lies before every report erases nothing.
  REQUIRE(run_command({"retention", "--db", db, "--closed-before", cutoff}).err.find("of 0 reports") != std::string::npos);
  REQUIRE(run_command({"retention", "--db", db, "--months", "1"}).err.find("of 0 reports") != std::string::npos);
  REQUIRE(run_command({"retention", "--db", db, "--closed-before", "2026-02-30"}).exit_status != 0);
  REQUIRE(run_command({"retention", "--db", db}).exit_status != 0);
}

TEST_CASE("token create that cannot write the token fails and keeps no token, and an unknown command is named", "[cli]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  REQUIRE(run_command({"user", "list", "--db", db}).exit_status != 0);  // not there yet: made by the first token
  // Standard output on a full device: the secret reached nobody, so the token must not exist.
  const std::string command = std::string(RODEKNOP_BIN) + " token create --db " + db +
                              " --name verloren --role manager > /dev/full 2> " + dir.file("err.txt");
  const int status = std::system(command.c_str());
  CHECK(status != 0);
  std::ifstream err(dir.file("err.txt"));
  const std::string message((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  CHECK(message.find("no token was created") != std::string::npos);
  const auto list = run_command({"token", "list", "--db", db});
  REQUIRE(list.exit_status == 0);
  CHECK(list.out.find("verloren") == std::string::npos);
  // Written out: kept.
  REQUIRE(run_command({"token", "create", "--db", db, "--name", "gelukt", "--role", "manager"}).exit_status == 0);
  CHECK(run_command({"token", "list", "--db", db}).out.find("gelukt") != std::string::npos);

  // Help that could not be written is no success either.
  CHECK(std::system((std::string(RODEKNOP_BIN) + " --help > /dev/full 2>/dev/null").c_str()) != 0);
  // A --db that names no file is refused by every command, seed too (its data would go nowhere).
  for (const std::string bad : {"", ":memory:"}) {
    for (const auto& args : {std::vector<std::string>{"seed", "--db", bad, "--count", "1"},
                             std::vector<std::string>{"user", "list", "--db", bad},
                             std::vector<std::string>{"backup", "--db", bad, "--to", dir.file("b.db")}}) {
      const auto r = run_command(args);
      INFO(args.front() << " --db '" << bad << "': " << r.err);
      CHECK(r.exit_status != 0);
      CHECK(r.err.find("--db must name a database file") != std::string::npos);
    }
  }

  const auto unknown = run_command({"bakup", "--db", db});
  CHECK(unknown.exit_status == 2);
  CHECK(unknown.err.find("unknown command \"bakup\"") != std::string::npos);
  CHECK(unknown.err.find("backup") != std::string::npos);
}

TEST_CASE("the command line names an unknown subcommand, refuses an empty file and lets a flag beat the environment",
          "[cli]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  add_user(db, "beheer", "admin");

  const auto unknown = run_command({"user", "frobnicate", "--db", db});
  CHECK(unknown.exit_status == 2);
  CHECK(unknown.err.find("unknown subcommand \"frobnicate\" of user") != std::string::npos);
  CHECK(unknown.err.find("passwd") != std::string::npos);

  // An empty file is no database: reading it must not turn it into one.
  const auto empty = dir.file("leeg.db");
  { std::ofstream touch(empty); }
  const auto listed = run_command({"user", "list", "--db", empty});
  CHECK(listed.exit_status != 0);
  CHECK(listed.err.find("empty file") != std::string::npos);
  CHECK(std::filesystem::file_size(empty) == 0);

  // Disabling the last active entry of a list names the command, not an option that is not there.
  for (const std::string key : {"bsd", "dpz", "dso", "dsb", "szw"})
    REQUIRE(run_command({"department", "disable", "--db", db, "--key", key}).exit_status == 0);
  const auto last = run_command({"department", "disable", "--db", db, "--key", "ocw"});
  CHECK(last.exit_status != 0);
  CHECK(last.err.find("--active") == std::string::npos);
  CHECK(last.err.find("at least one active entry") != std::string::npos);

  // The timer's environment sets RODEKNOP_RETENTION_MONTHS; a one-off --closed-before still works,
  // and without either option the variable counts.
  const auto with_env = [&](const std::string& env, const std::string& args) {
    const std::string command = env + " " + std::string(RODEKNOP_BIN) + " retention --db " + db + " " + args +
                                " --dry-run 2> " + dir.file("err.txt");
    const int status = std::system(command.c_str());
    std::ifstream err(dir.file("err.txt"));
    return std::pair{status, std::string((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>())};
  };
  const auto [one_off, one_off_err] = with_env("RODEKNOP_RETENTION_MONTHS=6", "--closed-before 2026-01-01");
  INFO(one_off_err);
  CHECK(one_off == 0);
  CHECK(one_off_err.find("closed before 2025-12-31T23:00:00Z") != std::string::npos);
  const auto [from_env, from_env_err] = with_env("RODEKNOP_RETENTION_MONTHS=6", "");
  INFO(from_env_err);
  CHECK(from_env == 0);
  CHECK(from_env_err.find("would erase") != std::string::npos);
  const auto [bad_env, bad_env_err] = with_env("RODEKNOP_RETENTION_MONTHS=zes", "");
  CHECK(bad_env != 0);
  CHECK(bad_env_err.find("RODEKNOP_RETENTION_MONTHS") != std::string::npos);
}

TEST_CASE("retention leaves no copy of the erased values in the database's files", "[cli][retention]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  REQUIRE(run_command({"seed", "--db", db, "--count", "300"}).exit_status == 0);
  // The addresses only closed reports hold (the demo data gives some people several reports).
  std::vector<std::string> erased;
  {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    SQLite::Statement st(d,
                         "SELECT DISTINCT reporter_email FROM reports WHERE reporter_email IS NOT NULL EXCEPT "
                         "SELECT reporter_email FROM reports WHERE reporter_email IS NOT NULL AND status NOT IN "
                         "('resolved', 'wont_fix', 'rejected', 'duplicate')");
    while (st.executeStep()) erased.push_back(st.getColumn(0).getString());
  }
  REQUIRE(erased.size() > 10);
  server_process srv(db);  // a running server holds the database open
  REQUIRE(run_command({"retention", "--db", db, "--closed-before", amsterdam_day_after_today(1)}).exit_status == 0);
  const auto bytes = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const auto files = bytes(db) + bytes(db + "-wal");
  for (const auto& e : erased) {
    INFO(e);
    CHECK(files.find(e) == std::string::npos);
  }
  REQUIRE(srv.stop() == 0);
}

TEST_CASE("the flag --db beats RODEKNOP_DB in every command, and a bad value from the environment is named by its variable",
          "[cli]") {
  temp_dir dir;
  const auto from_env = dir.file("omgeving.db");
  const auto from_flag = dir.file("vlag.db");
  REQUIRE(run_command({"seed", "--db", from_env, "--count", "2"}).exit_status == 0);
  REQUIRE(run_command({"seed", "--db", from_flag, "--count", "7"}).exit_status == 0);
  const std::map<std::string, std::string> env{{"RODEKNOP_DB", from_env}};

  // The backup is of the database the flag names, not the one in the environment.
  const auto copy = dir.file("kopie.db");
  const auto backup = run_command({"backup", "--db", from_flag, "--to", copy}, {}, env);
  INFO(backup.err);
  REQUIRE(backup.exit_status == 0);
  CHECK(backup.err.find(": 7 reports") != std::string::npos);

  // Accounts, tokens and lists land in the flag's database too.
  REQUIRE(run_command({"user", "add", "--db", from_flag, "--username", "anna", "--role", "triager"},
                      "een-lang-wachtwoord\n", env)
              .exit_status == 0);
  REQUIRE(run_command({"token", "create", "--db", from_flag, "--name", "bi", "--role", "manager"}, {}, env)
              .exit_status == 0);
  REQUIRE(run_command({"department", "add", "--db", from_flag, "--key", "nieuw", "--label", "Nieuw"}, {}, env)
              .exit_status == 0);
  const auto users = run_command({"user", "list", "--db", from_flag}, {}, env);
  CHECK(users.out.find("anna\t") != std::string::npos);
  CHECK(run_command({"token", "list", "--db", from_flag}).out.find("bi\t") != std::string::npos);
  CHECK(run_command({"department", "list", "--db", from_flag}).out.find("nieuw\t") != std::string::npos);
  // ... and the environment's database is untouched, though it is still used without a flag.
  const auto env_users = run_command({"user", "list"}, {}, env);
  REQUIRE(env_users.exit_status == 0);
  CHECK(env_users.out.find("anna") == std::string::npos);
  CHECK(run_command({"token", "list"}, {}, env).out.find("bi\t") == std::string::npos);

  // A bad value for the server in the operator's environment does not break other commands,
  // and the server names the variable the value came from.
  CHECK(run_command({"user", "list", "--db", from_flag}, {}, {{"RODEKNOP_THREADS", "veel"}}).exit_status == 0);
  const auto threads = run_command({"serve", "--db", from_flag}, {}, {{"RODEKNOP_THREADS", "veel"}});
  CHECK(threads.exit_status != 0);
  CHECK(threads.err.find("RODEKNOP_THREADS") != std::string::npos);
  const auto listen = run_command({"serve", "--db", from_flag}, {}, {{"RODEKNOP_LISTEN", "nergens"}});
  CHECK(listen.exit_status != 0);
  CHECK(listen.err.find("RODEKNOP_LISTEN") != std::string::npos);
  const auto flag = run_command({"serve", "--db", from_flag, "--listen", "nergens"});
  CHECK(flag.exit_status != 0);
  CHECK(flag.err.find("--listen") != std::string::npos);
}

TEST_CASE("a --db that is a folder or a device is refused, and a database others may read is warned about", "[cli]") {
  temp_dir dir;
  for (const std::string& path : {std::string("/dev/null"), dir.path().string()}) {
    for (const auto& args : {std::vector<std::string>{"serve", "--listen", "127.0.0.1:0", "--db", path},
                             std::vector<std::string>{"user", "list", "--db", path}}) {
      const auto r = run_command(args);
      INFO(args.front() << " " << path << ": " << r.err);
      CHECK(r.exit_status != 0);
      CHECK(r.err.find("is not a file") != std::string::npos);
    }
  }
  {
    std::ofstream plain(dir.file("gewoon"));
  }
  const auto below_a_file = run_command({"serve", "--listen", "127.0.0.1:0", "--db", dir.file("gewoon") + "/rk.db"});
  INFO(below_a_file.err);
  CHECK(below_a_file.exit_status != 0);
  CHECK(below_a_file.err.find("cannot make the folder " + dir.file("gewoon")) != std::string::npos);
  CHECK(below_a_file.err.find("filesystem error") == std::string::npos);
  // Only the database's own folder is made (data/ before the first start, also by `user add`);
  // a path further off is a typo, not a tree of folders to make.
  const auto far_off = run_command({"serve", "--listen", "127.0.0.1:0", "--db", dir.file("mistyped") + "/data/rk.db"});
  CHECK(far_off.exit_status != 0);
  CHECK(far_off.err.find("the folder " + dir.file("mistyped") + " does not exist") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("mistyped")));
  const auto first = run_command({"user", "add", "--db", dir.file("data") + "/rodeknop.db", "--username", "anna",
                                  "--role", "admin"},
                                 "wachtwoord-van-anna-2026\n");
  INFO(first.err);
  CHECK(first.exit_status == 0);
  CHECK(first.err.find("a new database is made at " + dir.file("data") + "/rodeknop.db") != std::string::npos);
  CHECK(std::filesystem::is_regular_file(dir.file("data") + "/rodeknop.db"));

  const auto db = dir.file("open.db");
  REQUIRE(run_command({"seed", "--db", db, "--count", "1"}).exit_status == 0);
  std::filesystem::permissions(db, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  server_process srv(db);
  CHECK(srv.wait_for_output("database_open_to_others", std::chrono::seconds(5)));
}
