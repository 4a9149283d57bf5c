// `rodeknop backup` while the server takes creates: the copy is one consistent snapshot (a
// prefix of the commits: every report has its `created` event, ids have no gaps, every report
// acknowledged before the backup began is in it), passes integrity_check, and a server started
// on the restored copy serves its reports and goes on numbering after them.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <chrono>
#include <csignal>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "harness.hpp"

using namespace rk_test;
namespace fs = std::filesystem;

namespace {

struct acknowledged_report {
  std::int64_t id;
  std::string reference;
  std::string token;
};

}  // namespace

TEST_CASE("a backup taken under write load is a consistent copy that a server can run on", "[backup][operations]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  const auto copy = dir.file("backup/rk-backup.db");
  fs::create_directories(dir.path() / "backup");

  std::mutex mutex;
  std::vector<acknowledged_report> acknowledged;
  std::vector<acknowledged_report> before_backup;
  std::size_t after_backup = 0;
  {
    server_process srv(db, {}, {{"RODEKNOP_ACCESS_LOG", "false"}});
    std::atomic<bool> go{true};
    std::atomic<int> failures{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 6; ++t) {
      clients.emplace_back([&, t] {
        for (int i = 0; go; ++i) {
          const auto r = post_json(srv.port(), "/api/v1/reports",
                                   valid_report("Back-up onder last " + std::to_string(t) + "-" + std::to_string(i)));
          if (r.status != 201) {
            ++failures;
            continue;
          }
          const auto j = r.json();
          std::lock_guard lock(mutex);
          acknowledged.push_back({j.at("id").get<std::int64_t>(), j.at("reference").get<std::string>(),
                                  j.at("tracking_token").get<std::string>()});
        }
      });
    }
    const auto wait_for = [&](std::size_t n) {
      for (;;) {
        {
          std::lock_guard lock(mutex);
          if (acknowledged.size() >= n) return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    };
    wait_for(100);
    {
      std::lock_guard lock(mutex);
      before_backup = acknowledged;
    }
    const auto result = run_command({"backup", "--db", db, "--to", copy});
    INFO(result.err);
    REQUIRE(result.exit_status == 0);
    {
      std::lock_guard lock(mutex);
      after_backup = acknowledged.size();
    }
    // The load went on during and after the backup.
    wait_for(after_backup + 50);
    go = false;
    for (auto& c : clients) c.join();
    REQUIRE(failures == 0);
    REQUIRE(srv.stop() == 0);
  }

  // Only the file itself: no -wal or -shm beside it, no partial file left behind.
  REQUIRE(fs::exists(copy));
  REQUIRE_FALSE(fs::exists(copy + "-wal"));
  for (const auto& e : fs::directory_iterator(fs::path(copy).parent_path()))
    REQUIRE_FALSE(e.path().filename().string().starts_with(fs::path(copy).filename().string() + ".partial"));

  std::set<std::int64_t> ids_in_copy;
  {
    SQLite::Database backup(copy, SQLite::OPEN_READONLY);
    REQUIRE(backup.execAndGet("PRAGMA integrity_check").getString() == "ok");
    REQUIRE(backup.execAndGet("PRAGMA journal_mode").getString() == "delete");
    SQLite::Statement ids(backup, "SELECT id FROM reports ORDER BY id");
    while (ids.executeStep()) ids_in_copy.insert(ids.getColumn(0).getInt64());
    // Every report has its `created` event: no commit is half in the copy.
    REQUIRE(backup.execAndGet("SELECT count(*) FROM reports r WHERE NOT EXISTS "
                              "(SELECT 1 FROM events e WHERE e.report_id = r.id AND e.type = 'created')")
                .getInt64() == 0);
    REQUIRE(backup.execAndGet("SELECT count(*) FROM events e WHERE NOT EXISTS "
                              "(SELECT 1 FROM reports r WHERE r.id = e.report_id)")
                .getInt64() == 0);
    // The reference counter is at least the highest number handed out in the copy.
    REQUIRE(backup.execAndGet("SELECT count(*) FROM reports r JOIN reference_counters c "
                              "ON c.year = CAST(substr(r.reference, 4, 4) AS INTEGER) "
                              "WHERE CAST(substr(r.reference, 9) AS INTEGER) > c.last_number")
                .getInt64() == 0);
  }
  // A prefix of the commits: ids 1..n without a gap.
  REQUIRE_FALSE(ids_in_copy.empty());
  REQUIRE(*ids_in_copy.begin() == 1);
  REQUIRE(*ids_in_copy.rbegin() == static_cast<std::int64_t>(ids_in_copy.size()));
  // Everything acknowledged before the backup began is in it; what came after the backup is not.
  for (const auto& r : before_backup) REQUIRE(ids_in_copy.count(r.id) == 1);
  REQUIRE(ids_in_copy.size() >= before_backup.size());
  REQUIRE(ids_in_copy.size() < acknowledged.size());
  INFO("acknowledged " << acknowledged.size() << ", in the backup " << ids_in_copy.size() << ", before it "
                       << before_backup.size() << ", done by " << after_backup);

  // Restore: the copy becomes a new database; a server started on it serves its reports.
  temp_dir restored_dir;
  const auto restored = restored_dir.file("rk.db");
  fs::copy_file(copy, restored);
  server_process srv(restored);
  std::set<std::string> references;
  for (const auto& r : acknowledged) {
    if (ids_in_copy.count(r.id) == 0) continue;
    const auto t = get(srv.port(), "/api/v1/track/" + r.token);
    INFO(r.reference);
    REQUIRE(t.status == 200);
    REQUIRE(t.json().at("reference") == r.reference);
    references.insert(r.reference);
  }
  REQUIRE(references.size() == ids_in_copy.size());
  const auto next = post_json(srv.port(), "/api/v1/reports", valid_report("Na het terugzetten"));
  REQUIRE(next.status == 201);
  REQUIRE(references.count(next.json().at("reference").get<std::string>()) == 0);
  REQUIRE(next.json().at("id").get<std::int64_t>() == static_cast<std::int64_t>(ids_in_copy.size()) + 1);
}

TEST_CASE("a backup of a damaged database fails with one line on stderr and leaves no copy", "[backup][operations]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  REQUIRE(run_command({"seed", "--db", db, "--count", "400"}).exit_status == 0);
  {
    // Garbage over a run of pages in the middle of the file (what a failing disk leaves).
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    const auto size = static_cast<std::streamoff>(f.tellg());
    REQUIRE(size > 200 * 1024);
    f.seekp(size / 2);
    const std::string garbage(64 * 1024, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto copy = dir.file("copy.db");
  const auto r = run_command({"backup", "--db", db, "--to", copy});
  INFO(r.err);
  CHECK(r.exit_status != 0);
  CHECK(r.err.rfind("rodeknop: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_FALSE(std::filesystem::exists(copy));
}

TEST_CASE("a backup of another program's SQLite file is refused, naming it", "[backup][operations]") {
  temp_dir dir;
  const auto db = dir.file("ander.db");
  { SQLite::Database other(db, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); other.exec("CREATE TABLE foo (x)"); }
  const auto r = run_command({"backup", "--db", db, "--to", dir.file("copy.db")});
  CHECK(r.exit_status != 0);
  CHECK(r.err.find("is not a Rode Knop database") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("copy.db")));
}

TEST_CASE("a backup never replaces the database's own log or index, a device, a pipe, a link or a folder",
          "[backup][operations]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  server_process srv(db);
  const auto created = post_json(srv.port(), "/api/v1/reports", valid_report());
  REQUIRE(created.status == 201);
  const auto reference = created.json().at("reference").get<std::string>();

  // The live write-ahead log holds the acknowledged report: replacing it would lose it.
  for (const auto& target : {db + "-wal", db + "-shm", dir.path().string() + "/./rk.db-wal"}) {
    const auto r = run_command({"backup", "--db", db, "--to", target});
    INFO(target << ": " << r.err);
    CHECK(r.exit_status != 0);
    CHECK(r.err.find("must not overwrite the database's own") != std::string::npos);
  }
  REQUIRE(fs::exists(db + "-wal"));
  // Nor through a symbolic or a hard link to the database: its log is still rk.db-wal.
  const auto symlink_db = dir.file("via-link.db");
  fs::create_symlink(db, symlink_db);
  const auto hardlink_db = dir.file("hard.db");
  fs::create_hard_link(db, hardlink_db);
  for (const auto& [source, target] : {std::pair{symlink_db, db + "-wal"}, std::pair{hardlink_db, db + "-wal"},
                                       std::pair{db, hardlink_db + "-wal"}}) {
    const auto r = run_command({"backup", "--db", source, "--to", target});
    INFO(source << " -> " << target << ": " << r.err);
    CHECK(r.exit_status != 0);
    CHECK(r.err.find("must not overwrite the database's own") != std::string::npos);
  }

  const auto fifo = dir.file("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto target_file = dir.file("elsewhere.db");
  { std::ofstream(target_file) << "x"; }
  const auto link = dir.file("link.db");
  fs::create_symlink(target_file, link);
  for (const auto& target : {fifo, link, dir.path().string(), std::string("/dev/null")}) {
    const auto r = run_command({"backup", "--db", db, "--to", target});
    INFO(target << ": " << r.err);
    CHECK(r.exit_status != 0);
    CHECK(r.err.find("is not a regular file") != std::string::npos);
  }
  CHECK(fs::is_fifo(fifo));
  CHECK(fs::is_symlink(link));
  CHECK(fs::is_character_file("/dev/null"));

  // The report acknowledged before is still there after a crash (it was in that log).
  srv.kill_hard();
  server_process again(db);
  const auto track = get(again.port(), "/api/v1/track/" + created.json().at("tracking_token").get<std::string>());
  CHECK(track.status == 200);
  CHECK(track.json().at("reference") == reference);
}

TEST_CASE("a backup that fails half-way or is stopped leaves no partial files, and names the file at fault",
          "[backup][operations]") {
  temp_dir dir;
  const auto db = dir.file("rk.db");
  REQUIRE(run_command({"seed", "--db", db, "--count", "3000"}).exit_status == 0);
  const auto target = fs::path(dir.file("nacht"));
  fs::create_directories(target);
  const auto leftovers = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(target)) names.push_back(e.path().filename().string());
    return names;
  };

  // A full disk, as the file-size limit makes it (the shell ignores SIGXFSZ, so writes fail).
  const std::string full = "trap '' XFSZ; ulimit -f 64; exec " + std::string(RODEKNOP_BIN) + " backup --db " + db +
                           " --to " + (target / "kopie.db").string() + " 2> " + dir.file("err.txt");
  CHECK(std::system(("sh -c \"" + full + "\"").c_str()) != 0);
  std::ifstream err_file(dir.file("err.txt"));
  const std::string err((std::istreambuf_iterator<char>(err_file)), std::istreambuf_iterator<char>());
  INFO(err);
  CHECK(err.find("cannot write the backup " + (target / "kopie.db").string()) != std::string::npos);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  CHECK(leftovers().empty());

  // Stopped by SIGTERM (a timer's stop) or SIGINT (Ctrl-C): no partial copy stays behind; when
  // the copy happened to be done first, it is whole.
  for (const int signal_number : {SIGTERM, SIGINT}) {
    const int pid = ::fork();
    if (pid == 0) {
      const std::string to = (target / "kopie.db").string();
      ::execl(RODEKNOP_BIN, RODEKNOP_BIN, "backup", "--db", db.c_str(), "--to", to.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // The signal comes while the partial copy is being written (or, if it is done before it is
    // seen, after the end).
    int status = 0;
    bool ended = false;
    while (!ended && leftovers().empty()) ended = ::waitpid(pid, &status, WNOHANG) == pid;
    if (!ended) {
      ::kill(pid, signal_number);
      ::waitpid(pid, &status, 0);
    }
    INFO("signal " << signal_number);
    if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == signal_number);
    else CHECK(WEXITSTATUS(status) == 0);
    // Only a finished copy may be there (the signal can come between its rename and the exit).
    for (const auto& name : leftovers()) CHECK(name == "kopie.db");
    fs::remove(target / "kopie.db");
  }
}
