// The store on real temporary SQLite files: schema and its guards, the catalog of PRODUCT.md,
// reports and their references, the reporter's view and replies, the append-only history, the
// group-commit writer, backups and demo data.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/report.hpp"
#include "rodeknop/store/catalog.hpp"
#include "rodeknop/store/commit_watch.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/maintenance.hpp"
#include "rodeknop/store/migrations.hpp"
#include "rodeknop/store/reports.hpp"
#include "rodeknop/store/writer.hpp"
#include "rodeknop/util/crypto.hpp"
#include "unit_support.hpp"

namespace store = rodeknop::store;
namespace domain = rodeknop::domain;
namespace util = rodeknop::util;
namespace fs = std::filesystem;
using rk_unit::utc;

namespace {

// A fresh, initialised database in its own temporary directory.
struct fresh_db {
  rk_unit::temp_dir dir;
  store::db_options opts;
  fresh_db() {
    util::init_crypto();
    opts.path = dir.file("rodeknop.db");
    store::initialise_database(opts);
  }
};

store::db_options options_at(const std::string& path) {
  store::db_options o;
  o.path = path;
  return o;
}

// Keys of the first active department and category, as the catalog gives them.
std::pair<std::string, std::string> some_keys(const store::db_options& opts) {
  store::connection c(opts, false);
  const auto cat = store::load_catalog(c);
  REQUIRE_FALSE(cat->departments.empty());
  REQUIRE_FALSE(cat->categories.empty());
  return {cat->departments.front().key, cat->categories.front().key};
}

domain::report_submission submission(const store::db_options& opts, const std::string& title) {
  const auto [department, category] = some_keys(opts);
  domain::report_submission s;
  s.title = title;
  s.procedure = "Werkinstructie intake";
  s.description = "Een inwoner moest drie keer terugkomen.";
  s.department = department;
  s.category = category;
  s.reporter_name = "Jan de Vries";
  s.reporter_email = "jan.devries@denhaag.nl";
  return s;
}

store::created_report insert(store::writer& w, const domain::report_submission& s, const std::string& token,
                             domain::sys_seconds at) {
  return w.run<store::created_report>([&s, key = *util::tracking_key(token), at](store::connection& c) {
    return store::insert_report(c, s, key, at);
  });
}

std::int64_t count(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  return db.execAndGet(sql).getInt64();
}

// The names in `path`'s folder that begin with its file name (the file, and anything left beside it).
std::vector<std::string> files_beside(const std::string& path) {
  const auto name = fs::path(path).filename().string();
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(path).parent_path()))
    if (e.path().filename().string().starts_with(name)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> strings(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  SQLite::Statement st(db, sql);
  std::vector<std::string> out;
  while (st.executeStep()) {
    std::string row;
    for (int i = 0; i < st.getColumnCount(); ++i) row += (i ? "|" : "") + st.getColumn(i).getString();
    out.push_back(row);
  }
  return out;
}

std::string reference(int year, int number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "RK-%04d-%05d", year, number);
  return buf;
}

// The message of the schema_error that initialise_database throws, failing when it does not.
std::string schema_error_of(const store::db_options& opts) {
  try {
    store::initialise_database(opts);
  } catch (const store::schema_error& e) {
    return e.what();
  }
  FAIL("initialise_database accepted the database");
  return {};
}

// Keeps the writer thread busy until released, so that jobs submitted meanwhile all wait in the
// queue and go into the next batch together.
class writer_blocker {
 public:
  explicit writer_blocker(store::writer& w) : released_(release_.get_future().share()) {
    std::promise<void> started;
    auto started_future = started.get_future();
    w.submit([this, s = std::make_shared<std::promise<void>>(std::move(started))](store::connection&) {
      s->set_value();
      released_.wait();
    },
             [this](std::exception_ptr) { done_.set_value(); });
    started_future.wait();
  }
  void release() {
    if (!released_flag_) release_.set_value();
    released_flag_ = true;
  }
  ~writer_blocker() {
    release();
    done_.get_future().wait();
  }
  writer_blocker(const writer_blocker&) = delete;
  writer_blocker& operator=(const writer_blocker&) = delete;

 private:
  std::promise<void> release_;
  std::shared_future<void> released_;
  std::promise<void> done_;
  bool released_flag_ = false;
};

// The message of a stored exception, for diagnostics ("" when there is none).
std::string message_of(const std::exception_ptr& e) {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "(not a std::exception)";
  }
}

template <class T>
concept exposes_reporter_identity = requires(const T& v) { v.reporter_name; } || requires(const T& v) {
  v.reporter_email;
};

}  // namespace

// --- schema -------------------------------------------------------------------------------------

TEST_CASE("initialise_database creates the schema in a new file", "[store][schema]") {
  rk_unit::temp_dir dir;
  const auto opts = options_at(dir.file("nieuw.db"));
  REQUIRE_FALSE(fs::exists(opts.path));
  store::initialise_database(opts);
  REQUIRE(fs::exists(opts.path));

  SQLite::Database db(opts.path, SQLite::OPEN_READWRITE);
  CHECK(store::latest_schema_version() >= 1);
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == store::latest_schema_version());
  CHECK(db.execAndGet("PRAGMA application_id").getInt() == store::application_id);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  for (const char* table : {"reports", "events", "comments", "departments", "categories", "reference_counters"}) {
    INFO(table);
    CHECK(db.tableExists(table));
  }
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("initialise_database can run again on an existing database", "[store][schema]") {
  fresh_db f;
  {
    store::writer w(f.opts);
    insert(w, submission(f.opts, "Blijft bewaard"), util::random_token(), domain::now());
  }
  REQUIRE_NOTHROW(store::initialise_database(f.opts));
  REQUIRE_NOTHROW(store::initialise_database(f.opts));
  CHECK(count(f.opts.path, "PRAGMA user_version") == store::latest_schema_version());
  CHECK(count(f.opts.path, "SELECT count(*) FROM departments") == 6);
  CHECK(count(f.opts.path, "SELECT count(*) FROM categories") == 7);
  CHECK(strings(f.opts.path, "SELECT title FROM reports") == std::vector<std::string>{"Blijft bewaard"});
}

TEST_CASE("a statement that fails to prepare leaves the connection usable", "[store][connection]") {
  fresh_db f;
  store::connection c(f.opts, false);
  CHECK_THROWS_AS(c.prepare("SELECT no_such_column FROM reports"), SQLite::Exception);
  // A read lease resets every cached statement when it goes back to the pool.
  c.reset_statements();
  auto& ok = c.prepare("SELECT count(*) FROM departments");
  REQUIRE(ok.executeStep());
  CHECK(ok.getColumn(0).getInt() == 6);
  CHECK_THROWS_AS(c.prepare("SELECT no_such_column FROM reports"), SQLite::Exception);  // again, not cached
}

TEST_CASE("a database with a newer schema is refused, untouched", "[store][schema]") {
  fresh_db f;
  const int newer = store::latest_schema_version() + 1;
  {
    SQLite::Database db(f.opts.path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  const auto message = schema_error_of(f.opts);
  CHECK_THAT(message, Catch::Matchers::Contains("newer"));
  CHECK(count(f.opts.path, "PRAGMA user_version") == newer);
}

TEST_CASE("a database of another application is refused, untouched", "[store][schema]") {
  rk_unit::temp_dir dir;
  SECTION("another application_id") {
    const auto opts = options_at(dir.file("ander.db"));
    {
      SQLite::Database db(opts.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec("PRAGMA application_id = 305419896");  // 0x12345678
      db.exec("CREATE TABLE notes (body TEXT)");
    }
    const auto message = schema_error_of(opts);
    CHECK_FALSE(message.empty());
    SQLite::Database db(opts.path, SQLite::OPEN_READWRITE);
    CHECK(db.execAndGet("PRAGMA application_id").getInt() == 305419896);
    CHECK_FALSE(db.tableExists("reports"));
  }
  SECTION("no application_id but a schema version of its own") {
    const auto opts = options_at(dir.file("zonder_id.db"));
    {
      SQLite::Database db(opts.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec("CREATE TABLE notes (body TEXT)");
      db.exec("PRAGMA user_version = 7");
    }
    CHECK_FALSE(schema_error_of(opts).empty());
    SQLite::Database db(opts.path, SQLite::OPEN_READWRITE);
    CHECK_FALSE(db.tableExists("reports"));
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 7);
  }
  SECTION("no marks at all, but tables of its own") {
    const auto opts = options_at(dir.file("kaal.db"));
    {
      SQLite::Database db(opts.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec("CREATE TABLE foo (x)");
    }
    CHECK(schema_error_of(opts).find("another program") != std::string::npos);
    SQLite::Database db(opts.path, SQLite::OPEN_READWRITE);
    CHECK_FALSE(db.tableExists("reports"));
  }
  SECTION("an empty file is made a Rode Knop database") {
    const auto opts = options_at(dir.file("leeg.db"));
    { std::ofstream touch(opts.path); }
    store::initialise_database(opts);
    SQLite::Database db(opts.path, SQLite::OPEN_READWRITE);
    CHECK(db.tableExists("reports"));
  }
}

// --- catalog ------------------------------------------------------------------------------------

TEST_CASE("the catalog holds the default departments and categories of PRODUCT.md", "[store][catalog]") {
  fresh_db f;
  store::connection c(f.opts, false);
  const auto cat = store::load_catalog(c);

  std::vector<std::string> departments, categories;
  for (const auto& d : cat->departments) departments.push_back(d.label);
  for (const auto& k : cat->categories) categories.push_back(k.label);
  CHECK(departments == std::vector<std::string>{"Bestuursdienst", "Dienst Publiekszaken",
                                                "Dienst Stedelijke Ontwikkeling", "Dienst Stadsbeheer",
                                                "Dienst Sociale Zaken en Werkgelegenheid",
                                                "Dienst Onderwijs, Cultuur en Welzijn"});
  CHECK(categories == std::vector<std::string>{"Landelijke wet- of regelgeving", "Gemeentelijke regel of beleid",
                                               "Interne werkwijze of procedure", "ICT-systeem", "Formulier of brief",
                                               "Samenwerking tussen afdelingen", "Anders"});

  // Keys are unique, usable for validation, and lead back to their labels.
  CHECK(cat->keys.departments.size() == 6);
  CHECK(cat->keys.categories.size() == 7);
  for (const auto& d : cat->departments) {
    CHECK_FALSE(d.key.empty());
    CHECK(cat->keys.departments.count(d.key) == 1);
    REQUIRE(cat->department_label(d.key) != nullptr);
    CHECK(*cat->department_label(d.key) == d.label);
  }
  for (const auto& k : cat->categories) {
    CHECK(cat->keys.categories.count(k.key) == 1);
    REQUIRE(cat->category_label(k.key) != nullptr);
    CHECK(*cat->category_label(k.key) == k.label);
  }
  CHECK(cat->department_label("bestaat_niet") == nullptr);
  CHECK(cat->category_label("bestaat_niet") == nullptr);
}

// --- reports and references ---------------------------------------------------------------------

TEST_CASE("format_reference: RK-YYYY-NNNNN with at least five digits", "[store][reference]") {
  CHECK(store::format_reference(2026, 42) == "RK-2026-00042");
  CHECK(store::format_reference(2026, 1) == "RK-2026-00001");
  CHECK(store::format_reference(2027, 123456) == "RK-2027-123456");
}

TEST_CASE("references count up from 00001 in the current Amsterdam year", "[store][reference]") {
  fresh_db f;
  store::writer w(f.opts);
  const auto now = domain::now();
  const int year = domain::amsterdam_year(now);
  std::int64_t previous_id = 0;
  for (int i = 1; i <= 3; ++i) {
    const auto r = insert(w, submission(f.opts, "Melding " + std::to_string(i)), util::random_token(), now);
    CHECK(r.reference == reference(year, i));
    CHECK(r.status == "new");
    CHECK(r.created_at == now);
    CHECK(r.id > previous_id);
    previous_id = r.id;
  }
  CHECK(strings(f.opts.path, "SELECT reference || ' ' || title || ' ' || status FROM reports ORDER BY id") ==
        std::vector<std::string>{reference(year, 1) + " Melding 1 new", reference(year, 2) + " Melding 2 new",
                                 reference(year, 3) + " Melding 3 new"});
}

TEST_CASE("a report on new year's night counts in the new Amsterdam year", "[store][reference]") {
  fresh_db f;
  store::writer w(f.opts);
  const auto s = submission(f.opts, "Oud en nieuw");
  // 23:59:59 local on 31 December 2026.
  CHECK(insert(w, s, util::random_token(), utc(2026, 12, 31, 22, 59, 59)).reference == "RK-2026-00001");
  // 00:30 local on 1 January 2027, still 2026 in UTC: a new counter.
  CHECK(insert(w, s, util::random_token(), utc(2026, 12, 31, 23, 30)).reference == "RK-2027-00001");
  CHECK(insert(w, s, util::random_token(), utc(2027, 1, 1, 10)).reference == "RK-2027-00002");
  // Each year keeps its own counter.
  CHECK(insert(w, s, util::random_token(), utc(2026, 6, 1, 12)).reference == "RK-2026-00002");
  CHECK(count(f.opts.path, "SELECT count(DISTINCT reference) FROM reports") == 4);
}

// --- the reporter's view ------------------------------------------------------------------------

static_assert(!exposes_reporter_identity<store::tracking_view>,
              "the reporter's tracking view must not carry reporter identity");
static_assert(!exposes_reporter_identity<store::tracking_message>,
              "tracking messages must not carry reporter identity");

TEST_CASE("find_tracking_view finds a report by the key of its token, new and old tokens alike", "[store][tracking]") {
  util::init_crypto();
  fresh_db f;
  store::writer w(f.opts);
  const auto token = util::new_tracking_token(std::chrono::system_clock::now());
  const auto legacy = util::random_token();  // a tracking link handed out before 2026-11-29
  const auto at = utc(2026, 11, 23, 9, 15);
  const auto created = insert(w, submission(f.opts, "Uittreksel BRP kost te veel"), token, at);
  const auto old = insert(w, submission(f.opts, "Een andere melding"), legacy, at);

  store::connection reader(f.opts, false);
  const auto view = store::find_tracking_view(reader, *util::tracking_key(token));
  REQUIRE(view.has_value());
  CHECK(view->id == created.id);
  CHECK(view->reference == created.reference);
  CHECK(view->title == "Uittreksel BRP kost te veel");
  CHECK(view->status == "new");
  CHECK(view->created_at == at);
  CHECK(view->updated_at == at);
  CHECK(view->messages.empty());
  const auto old_view = store::find_tracking_view(reader, *util::tracking_key(legacy));
  REQUIRE(old_view.has_value());
  CHECK(old_view->id == old.id);

  // The token itself is not what is stored, and other tokens find nothing.
  CHECK_FALSE(store::find_tracking_view(reader, token).has_value());
  CHECK_FALSE(store::find_tracking_view(reader, util::token_hash(token)).has_value());
  CHECK_FALSE(
      store::find_tracking_view(reader, *util::tracking_key(util::new_tracking_token(std::chrono::system_clock::now())))
          .has_value());
  CHECK_FALSE(store::find_tracking_view(reader, *util::tracking_key(util::random_token())).has_value());
  CHECK_FALSE(store::find_tracking_view(reader, "").has_value());
  SQLite::Database db(f.opts.path, SQLite::OPEN_READWRITE);
  SQLite::Statement st(db, "SELECT tracking_hash FROM reports WHERE id = ?");
  st.bind(1, created.id);
  REQUIRE(st.executeStep());
  CHECK(st.getColumn(0).getString() == *util::tracking_key(token));
  CHECK(st.getColumn(0).getString().find(token) == std::string::npos);
}

TEST_CASE("insert_reply stores the reporter's message and keeps a new report new", "[store][tracking][reply]") {
  util::init_crypto();
  fresh_db f;
  store::writer w(f.opts);
  const auto token = util::random_token();
  const auto created = insert(w, submission(f.opts, "Melding"), token, utc(2026, 11, 2, 8));
  const auto reply_at = utc(2026, 11, 3, 14, 5);

  const auto reply = w.run<std::optional<store::reply_result>>([&](store::connection& c) {
    return store::insert_reply(c, *util::tracking_key(token), "Hier is een recent voorbeeld.", reply_at);
  });
  REQUIRE(reply.has_value());
  CHECK(reply->id == created.id);
  CHECK(reply->reference == created.reference);
  CHECK(reply->status == "new");

  store::connection reader(f.opts, false);
  const auto view = store::find_tracking_view(reader, *util::tracking_key(token));
  REQUIRE(view.has_value());
  REQUIRE(view->messages.size() == 1);
  CHECK_FALSE(view->messages[0].from_team);
  CHECK(view->messages[0].body == "Hier is een recent voorbeeld.");
  CHECK(view->messages[0].at == reply_at);
  CHECK(view->status == "new");
  CHECK(view->updated_at == reply_at);

  CHECK(strings(f.opts.path, "SELECT author || ' ' || visibility FROM comments") ==
        std::vector<std::string>{"reporter reporter"});
  CHECK(strings(f.opts.path, "SELECT actor || ' ' || type FROM events ORDER BY id") ==
        std::vector<std::string>{"reporter created", "reporter reply"});
}

TEST_CASE("insert_reply for an unknown token changes nothing", "[store][tracking][reply]") {
  util::init_crypto();
  fresh_db f;
  store::writer w(f.opts);
  insert(w, submission(f.opts, "Melding"), util::random_token(), domain::now());
  const auto reply = w.run<std::optional<store::reply_result>>([](store::connection& c) {
    return store::insert_reply(c, util::token_hash(util::random_token()), "Tekst", domain::now());
  });
  CHECK_FALSE(reply.has_value());
  CHECK(count(f.opts.path, "SELECT count(*) FROM comments") == 0);
  CHECK(count(f.opts.path, "SELECT count(*) FROM events") == 1);
}

TEST_CASE("a reply to a report in needs_info sends it back to new", "[store][tracking][reply]") {
  util::init_crypto();
  fresh_db f;
  store::writer w(f.opts);
  const auto token = util::random_token();
  const auto created = insert(w, submission(f.opts, "Melding"), token, utc(2026, 11, 2, 8));
  // Set-up: the team asked for more information.
  w.run<int>([id = created.id](store::connection& c) {
    SQLite::Statement st(c.db(), "UPDATE reports SET status = 'needs_info' WHERE id = ?");
    st.bind(1, id);
    return st.exec();
  });
  REQUIRE(strings(f.opts.path, "SELECT status FROM reports") == std::vector<std::string>{"needs_info"});

  const auto reply_at = utc(2026, 11, 4, 9);
  const auto reply = w.run<std::optional<store::reply_result>>([&](store::connection& c) {
    return store::insert_reply(c, *util::tracking_key(token), "Het gebeurde gisteren weer.", reply_at);
  });
  REQUIRE(reply.has_value());
  CHECK(reply->status == "new");
  CHECK(strings(f.opts.path, "SELECT status FROM reports") == std::vector<std::string>{"new"});
  // The history shows the reporter's reply and the status change by the reporter.
  CHECK(strings(f.opts.path,
                "SELECT actor || ' ' || type || ' ' || coalesce(from_value, '') || ' ' || coalesce(to_value, '') "
                "FROM events WHERE type = 'status'") == std::vector<std::string>{"reporter status needs_info new"});
  CHECK(count(f.opts.path, "SELECT count(*) FROM events WHERE type = 'reply'") == 1);
  // The change bumps the version that guards concurrent edits by triagers.
  CHECK(count(f.opts.path, "SELECT version FROM reports") > 1);
}

// --- the append-only history --------------------------------------------------------------------

TEST_CASE("events are append-only: an UPDATE throws and changes nothing", "[store][events]") {
  fresh_db f;
  store::writer w(f.opts);
  insert(w, submission(f.opts, "Melding"), util::random_token(), domain::now());
  const auto before = strings(f.opts.path, "SELECT * FROM events");
  REQUIRE(before.size() == 1);

  CHECK_THROWS_AS(w.run<int>([](store::connection& c) { return c.db().exec("UPDATE events SET note = 'vervalst'"); }),
                  SQLite::Exception);
  CHECK_THROWS_AS(w.run<int>([](store::connection& c) { return c.db().exec("UPDATE events SET actor = 'iemand'"); }),
                  SQLite::Exception);
  CHECK(strings(f.opts.path, "SELECT * FROM events") == before);

  // The writer carries on after the refused job.
  insert(w, submission(f.opts, "Nog een melding"), util::random_token(), domain::now());
  CHECK(count(f.opts.path, "SELECT count(*) FROM events") == 2);
}

// --- the group-commit writer --------------------------------------------------------------------

TEST_CASE("writer: 200 concurrent jobs from 8 threads all complete and share commits", "[store][writer]") {
  fresh_db f;
  const auto s = submission(f.opts, "Melding");
  store::writer w(f.opts);
  const auto now = domain::now();

  constexpr int threads = 8;
  constexpr int per_thread = 25;
  constexpr int jobs = threads * per_thread;
  std::latch all_done(jobs);
  std::atomic<int> failures{0};
  std::uint64_t commits_before = 0;
  {
    writer_blocker blocker(w);  // the jobs below queue up behind it
    commits_before = w.stats().commits.load();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) {
          auto sub = s;
          sub.title = "Melding " + std::to_string(t) + "-" + std::to_string(i);
          w.submit(
              [sub, now, hash = util::token_hash(std::to_string(t) + "/" + std::to_string(i))](store::connection& c) {
                store::insert_report(c, sub, hash, now);
              },
              [&](std::exception_ptr e) {
                if (e) failures.fetch_add(1);
                all_done.count_down();
              });
        }
      });
    }
    for (auto& th : pool) th.join();
    blocker.release();
    all_done.wait();
  }
  CHECK(failures.load() == 0);
  CHECK(count(f.opts.path, "SELECT count(*) FROM reports") == jobs);
  CHECK(count(f.opts.path, "SELECT count(DISTINCT title) FROM reports") == jobs);
  // The counter gave every report its own number, 1..200, without gaps.
  CHECK(count(f.opts.path, "SELECT count(DISTINCT reference) FROM reports") == jobs);
  CHECK(strings(f.opts.path, "SELECT max(reference) FROM reports") ==
        std::vector<std::string>{reference(domain::amsterdam_year(now), jobs)});

  // The blocker's own commit plus the commits of the 200 jobs: far fewer than 200.
  const auto commits = w.stats().commits.load() - commits_before;
  INFO("commits for 200 jobs (+1 for the blocker): " << commits);
  CHECK(commits < static_cast<std::uint64_t>(jobs));
  // All 200 were waiting when the writer became free, so they went into one batch.
  CHECK(commits <= 2);
  CHECK(w.stats().jobs.load() >= static_cast<std::uint64_t>(jobs + 1));
}

TEST_CASE("writer: a job that throws fails alone, the rest of its batch commits", "[store][writer]") {
  fresh_db f;
  const auto s = submission(f.opts, "Melding");
  store::writer w(f.opts);
  const auto now = domain::now();
  const int year = domain::amsterdam_year(now);

  std::mutex m;
  std::map<std::string, std::exception_ptr> results;
  std::latch all_done(4);
  const auto done_for = [&](std::string name) {
    return [&, name](std::exception_ptr e) {
      {
        std::lock_guard lock(m);
        results[name] = e;
      }
      all_done.count_down();
    };
  };
  const auto insert_job = [&](std::string title, std::string department, bool then_throw) {
    auto sub = s;
    sub.title = std::move(title);
    sub.department = std::move(department);
    return [sub, then_throw, now, hash = util::token_hash(sub.title)](store::connection& c) {
      store::insert_report(c, sub, hash, now);
      if (then_throw) throw std::runtime_error("mislukt na een halve melding");
    };
  };

  std::uint64_t commits_before = 0;
  {
    writer_blocker blocker(w);  // the four jobs go into one batch
    commits_before = w.stats().commits.load();
    w.submit(insert_job("een", s.department, false), done_for("een"));
    w.submit(insert_job("half", s.department, true), done_for("half"));
    w.submit(insert_job("sleutel", "bestaat_niet", false), done_for("sleutel"));  // foreign key violation
    w.submit(insert_job("twee", s.department, false), done_for("twee"));
    blocker.release();
    all_done.wait();
  }
  CHECK(w.stats().commits.load() - commits_before <= 2);

  CHECK(message_of(results.at("een")) == "");
  CHECK(message_of(results.at("twee")) == "");
  REQUIRE(results.at("half"));
  CHECK_THROWS_WITH(std::rethrow_exception(results.at("half")), "mislukt na een halve melding");
  CHECK_THROWS_AS(std::rethrow_exception(results.at("half")), std::runtime_error);
  REQUIRE(results.at("sleutel"));
  CHECK_THROWS_AS(std::rethrow_exception(results.at("sleutel")), SQLite::Exception);

  // Only the good jobs' rows exist, and the failed jobs left no trace: no half-written report,
  // no event, no reference number used up.
  CHECK(strings(f.opts.path, "SELECT title || ' ' || reference FROM reports ORDER BY id") ==
        std::vector<std::string>{"een " + reference(year, 1), "twee " + reference(year, 2)});
  CHECK(count(f.opts.path, "SELECT count(*) FROM events") == 2);
}

TEST_CASE("writer: after a job fails on a constraint, the next report is stored normally", "[store][writer]") {
  // The same statements (cached per connection) serve the failed job and the next one: the
  // failure of one request must not make the next, valid request fail.
  fresh_db f;
  store::writer w(f.opts);
  const auto now = domain::now();
  auto bad = submission(f.opts, "Onbekende dienst");
  bad.department = "bestaat_niet";  // foreign key violation in the INSERT
  CHECK_THROWS_AS(insert(w, bad, util::random_token(), now), SQLite::Exception);

  const auto good = submission(f.opts, "Geldige melding");
  std::string error;
  try {
    const auto r = insert(w, good, util::random_token(), now);
    CHECK(r.reference == reference(domain::amsterdam_year(now), 1));
  } catch (const std::exception& e) {
    error = e.what();
  }
  CHECK(error == "");
  CHECK(strings(f.opts.path, "SELECT title FROM reports") == std::vector<std::string>{"Geldige melding"});
}

TEST_CASE("writer::run returns the job's result and rethrows its exception", "[store][writer]") {
  fresh_db f;
  store::writer w(f.opts);
  CHECK(w.run<int>([](store::connection& c) { return c.db().execAndGet("SELECT 6 * 7").getInt(); }) == 42);
  CHECK_THROWS_WITH(w.run<int>([](store::connection&) -> int { throw std::invalid_argument("nee"); }), "nee");
  CHECK(w.run<std::string>([](store::connection&) { return std::string("nog steeds"); }) == "nog steeds");
}

TEST_CASE("writer: jobs queued before stop() are still committed", "[store][writer]") {
  fresh_db f;
  const auto s = submission(f.opts, "Melding");
  std::atomic<int> ok{0};
  {
    store::writer w(f.opts);
    for (int i = 0; i < 20; ++i) {
      auto sub = s;
      sub.title = "Stop " + std::to_string(i);
      w.submit([sub, hash = util::token_hash(sub.title)](store::connection& c) {
        store::insert_report(c, sub, hash, domain::now());
      },
               [&ok](std::exception_ptr e) {
                 if (!e) ok.fetch_add(1);
               });
    }
    w.stop();
  }
  CHECK(ok.load() == 20);
  CHECK(count(f.opts.path, "SELECT count(*) FROM reports") == 20);
}

TEST_CASE("writer: a job submitted after stop() fails with storage_unavailable", "[store][writer]") {
  fresh_db f;
  store::writer w(f.opts);
  w.stop();
  std::exception_ptr error;
  bool job_ran = false;
  w.submit([&job_ran](store::connection&) { job_ran = true; }, [&error](std::exception_ptr e) { error = e; });
  CHECK_FALSE(job_ran);
  REQUIRE(error);
  CHECK_THROWS_AS(std::rethrow_exception(error), store::storage_unavailable);
}

// --- backup -------------------------------------------------------------------------------------

TEST_CASE("backup copies a live database into a sound file", "[store][backup]") {
  fresh_db f;
  store::writer w(f.opts);  // the server is running
  for (int i = 0; i < 5; ++i)
    insert(w, submission(f.opts, "Melding " + std::to_string(i)), util::random_token(), domain::now());

  const auto destination = f.dir.file("backup.db");
  const auto result = store::backup(f.opts, destination);
  CHECK(result.reports == 5);
  CHECK(result.pages > 0);
  REQUIRE(fs::exists(destination));
  CHECK(files_beside(destination) == std::vector<std::string>{"backup.db"});  // no partial file left

  SQLite::Database copy(destination, SQLite::OPEN_READWRITE);
  CHECK(copy.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(copy.execAndGet("SELECT count(*) FROM reports").getInt64() == 5);
  CHECK(copy.execAndGet("PRAGMA application_id").getInt() == store::application_id);
  CHECK(copy.execAndGet("PRAGMA user_version").getInt() == store::latest_schema_version());
  CHECK(strings(destination, "SELECT reference, title FROM reports ORDER BY id") ==
        strings(f.opts.path, "SELECT reference, title FROM reports ORDER BY id"));

  // The server keeps writing afterwards; the copy is a snapshot.
  insert(w, submission(f.opts, "Na de backup"), util::random_token(), domain::now());
  CHECK(copy.execAndGet("SELECT count(*) FROM reports").getInt64() == 5);
}

TEST_CASE("two backups to one target at once both finish and leave one sound file", "[store][backup]") {
  fresh_db f;
  store::writer w(f.opts);
  for (int i = 0; i < 200; ++i)
    insert(w, submission(f.opts, "Melding " + std::to_string(i)), util::random_token(), domain::now());
  const auto destination = f.dir.file("samen.db");
  for (int round = 0; round < 5; ++round) {
    std::latch start(2);
    const auto run = [&] {
      start.arrive_and_wait();
      return store::backup(f.opts, destination).reports;
    };
    auto a = std::async(std::launch::async, run);
    auto b = std::async(std::launch::async, run);
    CHECK(a.get() == 200);
    CHECK(b.get() == 200);
    CHECK(count(destination, "SELECT count(*) FROM reports") == 200);
    CHECK(strings(destination, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
    CHECK(files_beside(destination) == std::vector<std::string>{"samen.db"});
  }
}

TEST_CASE("backup names a missing folder of the target", "[store][backup]") {
  fresh_db f;
  const auto target = f.dir.file("geen-map/kopie.db");
  CHECK_THROWS_WITH(store::backup(f.opts, target), Catch::Contains("folder") && Catch::Contains("geen-map"));
}

TEST_CASE("backup refuses to overwrite the database itself or to copy a missing one", "[store][backup]") {
  fresh_db f;
  {
    store::writer w(f.opts);
    insert(w, submission(f.opts, "Melding"), util::random_token(), domain::now());
  }
  CHECK_THROWS(store::backup(f.opts, f.opts.path));
  CHECK(count(f.opts.path, "SELECT count(*) FROM reports") == 1);
  CHECK(strings(f.opts.path, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});

  const auto missing = options_at(f.dir.file("bestaat-niet.db"));
  const auto destination = f.dir.file("kopie.db");
  CHECK_THROWS(store::backup(missing, destination));
  CHECK_FALSE(fs::exists(destination));
  CHECK_FALSE(fs::exists(missing.path));
}

// --- demo data ----------------------------------------------------------------------------------

TEST_CASE("seed is deterministic for a seed value and gives the requested count", "[store][seed]") {
  rk_unit::temp_dir dir;
  const auto a = options_at(dir.file("a.db"));
  const auto b = options_at(dir.file("b.db"));
  const auto c = options_at(dir.file("c.db"));
  const auto ra = store::seed(a, 60, 42);
  const auto rb = store::seed(b, 60, 42);
  const auto rc = store::seed(c, 60, 43);
  CHECK(ra.reports == 60);
  CHECK(rb.reports == 60);
  CHECK(rc.reports == 60);
  CHECK(ra.events >= 60);  // at least the `created` event of each report
  CHECK(ra.events == rb.events);
  CHECK(count(a.path, "SELECT count(*) FROM reports") == 60);
  CHECK(count(a.path, "SELECT count(*) FROM events") == ra.events);

  const std::string rows = "SELECT title, department, category, status, reference FROM reports ORDER BY id";
  const auto rows_a = strings(a.path, rows);
  CHECK(rows_a.size() == 60);
  CHECK(rows_a == strings(b.path, rows));
  CHECK(rows_a != strings(c.path, rows));
  CHECK(strings(a.path, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});

  CHECK(store::seed(options_at(dir.file("leeg.db")), 0, 1).reports == 0);
  CHECK_THROWS(store::seed(options_at(dir.file("negatief.db")), -1, 1));
}

TEST_CASE("seeded reports are valid submissions with histories that obey the workflow", "[store][seed]") {
  rk_unit::temp_dir dir;
  const auto opts = options_at(dir.file("demo.db"));
  store::seed(opts, 2000, 2026);  // enough that some reports are overlooked at a meeting
  const auto now = domain::now().time_since_epoch().count();

  SQLite::Database db(opts.path, SQLite::OPEN_READWRITE);
  store::connection conn(opts, false);
  const auto cat = store::load_catalog(conn);

  int invalid = 0, bad_transitions = 0, wrong_final = 0, from_future = 0, resolved_without_outcome = 0;
  SQLite::Statement reports(db,
                            "SELECT id, title, procedure, description, impact, suggestion, department, category, "
                            "coalesce(reporter_name, ''), coalesce(reporter_email, ''), status, outcome, "
                            "created_at, updated_at FROM reports ORDER BY id");
  while (reports.executeStep()) {
    const auto id = reports.getColumn(0).getInt64();
    domain::report_submission s;
    s.title = reports.getColumn(1).getString();
    s.procedure = reports.getColumn(2).getString();
    s.description = reports.getColumn(3).getString();
    s.impact = reports.getColumn(4).getString();
    s.suggestion = reports.getColumn(5).getString();
    s.department = reports.getColumn(6).getString();
    s.category = reports.getColumn(7).getString();
    s.reporter_name = reports.getColumn(8).getString();
    s.reporter_email = reports.getColumn(9).getString();
    const auto status = reports.getColumn(10).getString();
    const bool has_outcome = !reports.getColumn(11).isNull();
    const auto created_at = reports.getColumn(12).getInt64();
    const auto updated_at = reports.getColumn(13).getInt64();

    if (!domain::validate(s, cat->keys).empty() && ++invalid <= 3) FAIL_CHECK("report " << id << " is not valid");
    if (status == "resolved" && !has_outcome && ++resolved_without_outcome <= 3)
      FAIL_CHECK("report " << id << " is resolved without an outcome");
    if ((created_at > now || updated_at > now || updated_at < created_at) && ++from_future <= 3)
      FAIL_CHECK("report " << id << " has created_at " << created_at << ", updated_at " << updated_at
                           << " (now " << now << ")");

    SQLite::Statement events(db, "SELECT from_value, to_value, at FROM events WHERE report_id = ? AND type = 'status' "
                                 "ORDER BY at, id");
    events.bind(1, id);
    std::string current = "new";
    while (events.executeStep()) {
      const auto from = events.getColumn(0).getString();
      const auto to = events.getColumn(1).getString();
      const auto at = events.getColumn(2).getInt64();
      if ((from != current || !domain::transition_allowed(from, to)) && ++bad_transitions <= 3)
        FAIL_CHECK("report " << id << ": status event " << from << " -> " << to << " while in " << current);
      if ((at < created_at || at > now) && ++from_future <= 3)
        FAIL_CHECK("report " << id << ": status event at " << at << " outside [created_at, now]");
      current = to;
    }
    if (current != status && ++wrong_final <= 3)
      FAIL_CHECK("report " << id << " has status " << status << " but its history ends in " << current);
  }
  CHECK(invalid == 0);
  CHECK(bad_transitions == 0);
  CHECK(wrong_final == 0);
  CHECK(from_future == 0);
  CHECK(resolved_without_outcome == 0);
  // Realistic: more than one status occurs.
  CHECK(count(opts.path, "SELECT count(DISTINCT status) FROM reports") >= 4);
  // The last change is the last event: a report the team overlooked at a meeting was not changed
  // then (staleness and the week view's ages read last_event_at).
  CHECK(count(opts.path,
              "SELECT count(*) FROM reports r WHERE updated_at <> (SELECT max(at) FROM events e WHERE e.report_id = r.id) "
              "OR last_event_at <> updated_at") == 0);
}

TEST_CASE("commit_watch: the mark holds while nobody commits and moves with every commit, from any process",
          "[store][commit_watch]") {
  rk_unit::temp_dir dir;
  const store::db_options opts{dir.file("rk.db")};
  store::initialise_database(opts);
  store::commit_watch watch(opts);
  REQUIRE(watch.available());

  const auto first = watch.look();
  REQUIRE(first);
  CHECK(watch.look() == first);

  SQLite::Database other(opts.path, SQLite::OPEN_READWRITE);
  // Reading changes nothing.
  CHECK(other.execAndGet("SELECT count(*) FROM sqlite_schema").getInt() > 0);
  CHECK(watch.look() == first);

  // A commit on another connection moves the mark, and it holds again afterwards.
  other.exec("INSERT INTO server_keys(name, value) VALUES ('watch-test', x'00')");
  const auto second = watch.look();
  REQUIRE(second);
  CHECK(second != first);
  CHECK(watch.look() == second);

  // After a checkpoint that empties the WAL, the next commit starts the log afresh: still a change.
  other.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  other.exec("UPDATE server_keys SET value = x'01' WHERE name = 'watch-test'");
  const auto third = watch.look();
  REQUIRE(third);
  CHECK(third != second);
  CHECK(third != first);

  // A commit by another process (the command line revoking a token, say).
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int status = 0;
    try {
      SQLite::Database db(opts.path, SQLite::OPEN_READWRITE);
      db.exec("UPDATE server_keys SET value = x'02' WHERE name = 'watch-test'");
    } catch (...) {
      status = 1;
    }
    std::_Exit(status);
  }
  int status = -1;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const auto fourth = watch.look();
  REQUIRE(fourth);
  CHECK(fourth != third);
}

TEST_CASE("commit_watch: without a WAL it never claims an unchanged database", "[store][commit_watch]") {
  rk_unit::temp_dir dir;
  const store::db_options opts{dir.file("plain.db")};
  {
    SQLite::Database db(opts.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode = DELETE");
    db.exec("CREATE TABLE t(x)");
  }
  store::commit_watch watch(opts);
  CHECK_FALSE(watch.available());
  CHECK_FALSE(watch.look());
}
