// The triage repository on real temporary SQLite files: the list with filters, full-text search
// and keyset cursors, team changes with versions and events, comments, duplicates, and the week.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/live/hub.hpp"
#include "rodeknop/store/database.hpp"
#include "rodeknop/store/reports.hpp"
#include "rodeknop/store/triage.hpp"
#include "rodeknop/store/writer.hpp"
#include "rodeknop/util/crypto.hpp"
#include "unit_support.hpp"

namespace store = rodeknop::store;
namespace domain = rodeknop::domain;
namespace live = rodeknop::live;
namespace util = rodeknop::util;
using rk_unit::utc;

namespace {

struct triage_db {
  rk_unit::temp_dir dir;
  store::db_options opts;
  std::unique_ptr<store::connection> conn;
  triage_db() {
    util::init_crypto();
    opts.path = dir.file("rodeknop.db");
    store::initialise_database(opts);
    conn = std::make_unique<store::connection>(opts, true);
  }
  store::connection& c() { return *conn; }

  std::int64_t add(const std::string& title, domain::sys_seconds at, const std::string& department = "dpz",
                   const std::string& description = "Een voorbeeld van wat er misgaat.") {
    domain::report_submission s;
    s.title = title;
    s.procedure = "Werkinstructie";
    s.description = description;
    s.department = department;
    s.category = "anders";
    return store::insert_report(c(), s, util::token_hash(util::random_token()), at).id;
  }

  store::change_result change(std::int64_t id, std::int64_t version, domain::report_change ch,
                              domain::sys_seconds at = utc(2026, 11, 23, 10)) {
    return store::apply_change(c(), id, {version}, ch, "anna", at);
  }
};

domain::report_change status(const std::string& s, const char* note = nullptr) {
  domain::report_change c;
  c.status = s;
  if (note) c.note = note;
  return c;
}

std::vector<std::int64_t> ids(const store::list_page& p) {
  std::vector<std::int64_t> out;
  for (const auto& r : p.items) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_CASE("cursors round-trip and refuse anything else", "[triage][cursor]") {
  const store::list_cursor c{true, 1795000000, 42};
  const auto text = store::encode_cursor(c);
  const auto back = store::decode_cursor(text);
  REQUIRE(back);
  CHECK(back->oldest_first);
  CHECK(back->created_at == 1795000000);
  CHECK(back->id == 42);
  for (const char* bad : {"", "x1-2", "n", "n1", "n-2", "n1-", "nG-1", "n1-2-3", "nAB-1", "n1234567890123456-1"}) {
    INFO(bad);
    CHECK_FALSE(store::decode_cursor(bad).has_value());
  }
}

TEST_CASE("fts_expression quotes words and drops punctuation", "[triage][fts]") {
  CHECK(store::fts_expression("regel") == "\"regel\"*");
  CHECK(store::fts_expression("Te laat, \"OR\" NOT*") == "\"Te\" \"laat\"* \"OR\" \"NOT\"*");
  CHECK(store::fts_expression("a b", true, false) == "\"a\" OR \"b\"");
  CHECK_FALSE(store::fts_expression("!!! ---").has_value());
}

TEST_CASE("full-text search ignores case and diacritics", "[triage][fts]") {
  triage_db db;
  const auto a = db.add("Een Regel die niemand begrijpt", utc(2026, 11, 2, 9));
  const auto b = db.add("Het inkomen moet reëel zijn", utc(2026, 11, 3, 9));
  const auto c = db.add("Over iets anders", utc(2026, 11, 4, 9), "dpz", "Regelgeving over coördinatie.");
  // New reports reach the index in batches (store::search_indexer); here by hand.
  CHECK(store::index_pending_reports(db.c(), 1000) == 3);
  CHECK(store::index_pending_reports(db.c(), 1000) == 0);
  const auto find = [&](const char* text) {
    store::list_query q;
    q.search = text;
    return ids(store::list_reports(db.c(), q));
  };
  CHECK(find("regel") == std::vector<std::int64_t>{c, a});  // "Regel", and "Regelgeving" as a prefix
  CHECK(find("REGEL begrijpt") == std::vector<std::int64_t>{a});
  CHECK(find("reeel") == std::vector<std::int64_t>{b});
  CHECK(find("reëel") == std::vector<std::int64_t>{b});
  CHECK(find("coordinatie") == std::vector<std::int64_t>{c});
  CHECK(find("onbekendwoord").empty());
  CHECK(find("!!! ---").empty());
}

TEST_CASE("search finds words inside Dutch compound words, ignoring case and diacritics", "[triage][fts]") {
  triage_db db;
  const auto kap = db.add("Kapvergunning voor één boom duurt acht weken", utc(2026, 11, 2, 9));
  const auto toeslag = db.add("Inkomenstoeslag vraagt drie formulieren", utc(2026, 11, 3, 9), "szw",
                              "De aanvraag voor de INKOMENSTOESLAG gaat op papier.");
  const auto financieel = db.add("Financiële controle op elke bon", utc(2026, 11, 4, 9), "dpz",
                                 "Ook bij 5 euro is een handtekening nodig.");
  CHECK(store::index_pending_reports(db.c(), 1000) == 3);
  const auto find = [&](const char* text) {
    store::list_query q;
    q.search = text;
    return ids(store::list_reports(db.c(), q));
  };
  CHECK(find("vergunning") == std::vector<std::int64_t>{kap});      // the end of a compound word
  CHECK(find("toeslag") == std::vector<std::int64_t>{toeslag});
  CHECK(find("TOESLAG formulier") == std::vector<std::int64_t>{toeslag});  // every word, in any field
  CHECK(find("toeslag vergunning").empty());
  CHECK(find("financiele") == std::vector<std::int64_t>{financieel});  // diacritics in the text
  CHECK(find("eén boom") == std::vector<std::int64_t>{kap});            // and in the search
  CHECK(find("tekening") == std::vector<std::int64_t>{financieel});     // in the description
  // Words shorter than three characters are whole words: `5` finds "5 euro", `ee` finds nothing.
  CHECK(find("5 bon") == std::vector<std::int64_t>{financieel});
  CHECK(find("ee").empty());
  // Runs of characters do not cross word boundaries: "boom duurt" holds no `omdu`.
  CHECK(find("omdu").empty());
}

TEST_CASE("search finds what the reporter wrote in every text field, the impact and suggestion too", "[triage][fts]") {
  triage_db db;
  domain::report_submission s;
  s.title = "Parkeren bij de sporthal";
  s.procedure = "Werkinstructie";
  s.description = "Een voorbeeld van wat er misgaat.";
  s.impact = "Ondernemers verliezen omzet; de klant wacht 6 weken.";
  s.suggestion = "Een digitale aanvraag.";
  s.department = "dpz";
  s.category = "anders";
  const auto id = store::insert_report(db.c(), s, util::token_hash(util::random_token()), utc(2026, 11, 2, 9)).id;
  db.add("Iets anders", utc(2026, 11, 3, 9));
  CHECK(store::index_pending_reports(db.c(), 1000) == 2);
  const auto find = [&](const char* text) {
    store::list_query q;
    q.search = text;
    return ids(store::list_reports(db.c(), q));
  };
  const std::vector<std::int64_t> just{id};
  CHECK(find("ondernemers") == just);  // the impact, through the substring index
  CHECK(find("6 weken") == just);      // a short word of the impact, through the word index
  CHECK(find("omzet digitale") == just);  // impact and suggestion together
  // A change of the impact text is followed by both indexes.
  db.c().db().exec("UPDATE reports SET impact = 'Burgers wachten lang.' WHERE id = " + std::to_string(id));
  CHECK(find("ondernemers").empty());
  CHECK(find("burgers") == just);
}

TEST_CASE("words in double quotes are found only one after the other", "[triage][fts]") {
  triage_db db;
  const auto phrase = db.add("Origineel kopie van het paspoort gevraagd", utc(2026, 11, 2, 9));
  const auto apart = db.add("Een kopie is geen origineel", utc(2026, 11, 3, 9));
  const auto short_words = db.add("Pas op de plaats", utc(2026, 11, 4, 9));
  CHECK(store::index_pending_reports(db.c(), 1000) == 3);
  const auto find = [&](const char* text) {
    store::list_query q;
    q.search = text;
    return ids(store::list_reports(db.c(), q));
  };
  CHECK(find("origineel kopie") == std::vector<std::int64_t>{apart, phrase});  // each word, anywhere
  CHECK(find("\"origineel kopie\"") == std::vector<std::int64_t>{phrase});
  CHECK(find("\"ORIGINEEL  Kopie\"") == std::vector<std::int64_t>{phrase});  // case and spacing do not matter
  CHECK(find("\"kopie origineel\"").empty());
  CHECK(find("\"op de\" plaats") == std::vector<std::int64_t>{short_words});  // a phrase of short words
  CHECK(find("paspoort \"origineel kopie") == std::vector<std::int64_t>{phrase});  // an open quote runs to the end
  CHECK(find("\"\"").empty());
}

TEST_CASE("an index built before the substring index catches up after the upgrade", "[triage][fts]") {
  triage_db db;
  const auto a = db.add("Parkeervergunning voor bewoners", utc(2026, 11, 2, 9));
  // As a database indexed by a version without the substring index, migrated since.
  CHECK(store::index_pending_reports(db.c(), 1000) == 1);
  db.c().db().exec("INSERT INTO reports_substrings (reports_substrings) VALUES ('delete-all')");
  db.c().db().exec("UPDATE search_index_state SET substrings_through = 0");
  const auto b = db.add("Vergunning voor een stoep", utc(2026, 11, 3, 9));
  CHECK(store::index_pending_reports(db.c(), 1000) == 2);  // a and b in the substring index, b in the word index
  CHECK(db.c().db().execAndGet("SELECT indexed_through = substrings_through FROM search_index_state").getInt() == 1);
  store::list_query q;
  q.search = "vergunning";
  CHECK(ids(store::list_reports(db.c(), q)) == std::vector<std::int64_t>{b, a});
}

TEST_CASE("the list filters by status, department and week, in both orders", "[triage][list]") {
  triage_db db;
  const auto r1 = db.add("Een", utc(2026, 11, 16, 9), "dpz");   // W47
  const auto r2 = db.add("Twee", utc(2026, 11, 22, 22, 30), "szw");  // Sunday 23:30 local: W47
  const auto r3 = db.add("Drie", utc(2026, 11, 22, 23, 30), "dpz");  // Monday 00:30 local: W48
  const auto r4 = db.add("Vier", utc(2026, 11, 24, 9), "dpz");
  REQUIRE(db.change(r4, 1, status("accepted")).result == store::change_result::outcome::changed);

  store::list_query q;
  CHECK(ids(store::list_reports(db.c(), q)) == std::vector<std::int64_t>{r4, r3, r2, r1});
  q.oldest_first = true;
  CHECK(ids(store::list_reports(db.c(), q)) == std::vector<std::int64_t>{r1, r2, r3, r4});
  q = {};
  q.statuses = {"new"};
  CHECK(ids(store::list_reports(db.c(), q)) == std::vector<std::int64_t>{r3, r2, r1});
  q.statuses = {"accepted", "new"};
  CHECK(ids(store::list_reports(db.c(), q)) == std::vector<std::int64_t>{r4, r3, r2, r1});
  q.department = "dpz";
  CHECK(ids(store::list_reports(db.c(), q)) == std::vector<std::int64_t>{r4, r3, r1});
  q = {};
  q.created = domain::week_range({2026, 47});
  CHECK(ids(store::list_reports(db.c(), q)) == std::vector<std::int64_t>{r2, r1});
  q.created = domain::week_range({2026, 48});
  CHECK(ids(store::list_reports(db.c(), q)) == std::vector<std::int64_t>{r4, r3});
}

TEST_CASE("keyset pages neither skip nor repeat when reports arrive between pages", "[triage][list][cursor]") {
  triage_db db;
  std::vector<std::int64_t> all;
  // Several reports share one second: the id breaks the tie.
  for (int i = 0; i < 25; ++i) all.push_back(db.add("Melding " + std::to_string(i), utc(2026, 11, 1, 9, i / 3)));
  for (bool oldest : {false, true}) {
    store::list_query q;
    q.limit = 4;
    q.oldest_first = oldest;
    std::vector<std::int64_t> seen;
    for (int page = 0; page < 20; ++page) {
      const auto p = store::list_reports(db.c(), q);
      for (auto id : ids(p)) seen.push_back(id);
      db.add("Tussendoor", utc(2026, 11, 1, 9, 30));  // newer than everything listed
      if (!p.next) break;
      q.after = p.next;
    }
    std::vector<std::int64_t> expected = all;
    if (!oldest) std::reverse(expected.begin(), expected.end());
    if (oldest) {
      // Oldest first reaches the newcomers at the end; the first 25 are the originals, once each.
      REQUIRE(seen.size() >= all.size());
      seen.resize(all.size());
    }
    CHECK(seen == expected);
  }
}

TEST_CASE("a change checks the version, writes one event per field and bumps the version", "[triage][change]") {
  triage_db db;
  const auto id = db.add("Een melding", utc(2026, 11, 2, 9));
  auto c = status("accepted");
  c.priority = "urgent";
  c.assignee = std::optional<std::string>{"bram"};
  auto r = db.change(id, 1, c);
  REQUIRE(r.result == store::change_result::outcome::changed);
  CHECK(r.report->version == 2);
  CHECK(r.report->status == "accepted");
  CHECK(r.report->priority == "urgent");
  CHECK(r.report->assignee == "bram");
  CHECK(r.report->updated_at == utc(2026, 11, 23, 10));

  // The same version again: stale, nothing written.
  r = db.change(id, 1, status("in_progress"));
  CHECK(r.result == store::change_result::outcome::stale);
  CHECK(r.report->version == 2);
  // A refused transition: invalid, nothing written.
  r = db.change(id, 2, status("new"));
  CHECK(r.result == store::change_result::outcome::invalid);
  // Equal values: unchanged, no new version.
  r = db.change(id, 2, status("accepted"));
  CHECK(r.result == store::change_result::outcome::unchanged);
  CHECK(r.report->version == 2);
  CHECK(db.change(99, 1, status("accepted")).result == store::change_result::outcome::not_found);

  const auto d = store::find_report_detail(db.c(), id);
  REQUIRE(d);
  std::vector<std::string> types;
  for (const auto& e : d->history) types.push_back(e.type);
  CHECK(types == std::vector<std::string>{"created", "status", "priority", "assignee"});
  CHECK(d->history[1].actor == "anna");
  CHECK(d->history[1].from == "new");
  CHECK(d->history[1].to == "accepted");
}

TEST_CASE("duplicate links must exist, not be the report itself, not a duplicate, and make no cycle",
          "[triage][duplicate]") {
  triage_db db;
  const auto a = db.add("A", utc(2026, 11, 2, 9));
  const auto b = db.add("B", utc(2026, 11, 2, 10));
  const auto c = db.add("C", utc(2026, 11, 2, 11));
  auto dup = [&](std::int64_t id, std::int64_t version, std::int64_t of) {
    domain::report_change ch = status("duplicate");
    ch.duplicate_of = std::optional<std::int64_t>{of};
    return db.change(id, version, ch);
  };
  REQUIRE(dup(b, 1, a).result == store::change_result::outcome::changed);  // b → a
  // c → b: b is a duplicate itself, so the reporter would be pointed to a closed copy; the
  // answer names the original instead.
  auto r = dup(c, 1, b);
  REQUIRE(r.result == store::change_result::outcome::invalid);
  CHECK(r.errors.at(0).problem == domain::field_problem::duplicate_of_duplicate);
  CHECK(r.errors.at(0).detail == store::find_report(db.c(), a)->reference);
  // a → b would close the circle a → b → a.
  r = dup(a, 1, b);
  REQUIRE(r.result == store::change_result::outcome::invalid);
  CHECK(r.errors.at(0).problem == domain::field_problem::duplicate_cycle);
  r = dup(a, 1, a);
  CHECK(r.errors.at(0).problem == domain::field_problem::self_reference);
  r = dup(a, 1, 12345);
  CHECK(r.errors.at(0).problem == domain::field_problem::unknown_report);
  CHECK(store::find_report(db.c(), a)->status == "new");
}

TEST_CASE("a report marked duplicate passes its own duplicates on: no duplicate names another", "[triage][duplicate]") {
  triage_db db;
  const auto x = db.add("X", utc(2026, 11, 2, 9));
  const auto y = db.add("Y", utc(2026, 11, 2, 10));
  const auto d1 = db.add("D1", utc(2026, 11, 2, 11));
  const auto d2 = db.add("D2", utc(2026, 11, 2, 12));
  auto dup = [&](std::int64_t id, std::int64_t version, std::int64_t of) {
    domain::report_change ch = status("duplicate");
    ch.duplicate_of = std::optional<std::int64_t>{of};
    return db.change(id, version, ch, utc(2026, 11, 23, 10));
  };
  REQUIRE(dup(d1, 1, x).result == store::change_result::outcome::changed);
  REQUIRE(dup(d2, 1, x).result == store::change_result::outcome::changed);
  // X turns out to duplicate Y: D1 and D2 now name Y, each with an event by the same person.
  const auto r = dup(x, 1, y);
  REQUIRE(r.result == store::change_result::outcome::changed);
  REQUIRE(r.repointed.size() == 2);
  for (const auto d : {d1, d2}) {
    const auto detail = store::find_report_detail(db.c(), d);
    REQUIRE(detail);
    CHECK(detail->report.duplicate_of == y);
    CHECK(detail->report.status == "duplicate");
    CHECK(detail->report.version == 3);
    const auto& last = detail->history.back();
    CHECK(last.type == "duplicate_of");
    CHECK(last.actor == "anna");
    CHECK(last.from == std::to_string(x));
    CHECK(last.to == std::to_string(y));
  }
  CHECK(store::find_report(db.c(), y)->duplicate_of == std::nullopt);
}

TEST_CASE("comments and replies bump the version and show in the history", "[triage][comments]") {
  triage_db db;
  const auto id = db.add("Een melding", utc(2026, 11, 2, 9));
  auto r = store::insert_comment(db.c(), id, "anna", "reporter", "Kunt u een voorbeeld geven?", utc(2026, 11, 3, 9));
  REQUIRE(r);
  CHECK(r->version == 2);
  CHECK_FALSE(store::insert_comment(db.c(), 999, "anna", "internal", "x", utc(2026, 11, 3, 9)).has_value());
  const auto d = store::find_report_detail(db.c(), id);
  REQUIRE(d->comments.size() == 1);
  CHECK(d->comments[0].visibility == "reporter");
  CHECK(d->history.back().type == "comment");
  CHECK(d->history.back().body == "Kunt u een voorbeeld geven?");
  CHECK(d->report.last_event_at == utc(2026, 11, 3, 9));
}

TEST_CASE("a reporter's reply puts needs_info back to new as reply and status events", "[triage][reply]") {
  triage_db db;
  domain::report_submission s;
  s.title = "Melding";
  s.procedure = "Werkinstructie";
  s.description = "Wat er misgaat.";
  s.department = "dpz";
  s.category = "anders";
  const auto token = util::random_token();
  const auto id = store::insert_report(db.c(), s, util::token_hash(token), utc(2026, 11, 2, 9)).id;
  REQUIRE(db.change(id, 1, status("needs_info")).result == store::change_result::outcome::changed);
  const auto reply = store::insert_reply(db.c(), util::token_hash(token), "Hier is meer informatie.", utc(2026, 11, 24, 9));
  REQUIRE(reply);
  CHECK(reply->status == "new");
  CHECK(reply->version == 3);
  const auto d = store::find_report_detail(db.c(), id);
  REQUIRE(d->history.size() == 4);
  CHECK(d->history[2].type == "reply");
  CHECK(d->history[2].actor == "reporter");
  CHECK(d->history[2].body == "Hier is meer informatie.");
  CHECK(d->history[3].type == "status");
  CHECK(d->history[3].from == "needs_info");
  CHECK(d->history[3].to == "new");
  CHECK(d->report.status == "new");
}

TEST_CASE("the week view: queue oldest first, the week's decisions, stale items", "[triage][week]") {
  triage_db db;
  const auto week = domain::week_range({2026, 48});  // 23 .. 29 November 2026
  const auto old_new = db.add("Lang geleden", utc(2026, 9, 1, 9));
  const auto this_week = db.add("Deze week", utc(2026, 11, 23, 9));
  db.add("Volgende week", utc(2026, 12, 1, 9));  // after the week: not in its queue
  const auto decided = db.add("Besloten", utc(2026, 11, 10, 9));
  const auto stale = db.add("Blijft liggen", utc(2026, 9, 2, 9));
  const auto fresh = db.add("Loopt", utc(2026, 9, 3, 9));
  REQUIRE(db.change(decided, 1, status("rejected", "Geen belemmering."), utc(2026, 11, 24, 10)).result ==
          store::change_result::outcome::changed);
  REQUIRE(db.change(stale, 1, status("accepted"), utc(2026, 9, 8, 10)).result == store::change_result::outcome::changed);
  REQUIRE(db.change(fresh, 1, status("accepted"), utc(2026, 9, 8, 10)).result == store::change_result::outcome::changed);
  REQUIRE(db.change(fresh, 2, status("in_progress"), utc(2026, 11, 20, 10)).result == store::change_result::outcome::changed);
  // A decision in the week before does not count.
  const auto earlier = db.add("Eerder", utc(2026, 11, 10, 9));
  REQUIRE(db.change(earlier, 1, status("accepted"), utc(2026, 11, 22, 22, 59)).result ==
          store::change_result::outcome::changed);

  const auto v = store::load_week(db.c(), week, utc(2026, 11, 25, 12), 100);
  std::vector<std::int64_t> queue;
  for (const auto& r : v.queue) queue.push_back(r.id);
  CHECK(queue == std::vector<std::int64_t>{old_new, this_week});  // not next week's
  REQUIRE(v.decisions.size() == 1);
  CHECK(v.decisions[0].report_id == decided);
  CHECK(v.decisions[0].to == "rejected");
  CHECK(v.decisions[0].note == "Geen belemmering.");
  REQUIRE(v.stale.size() == 1);
  CHECK(v.stale[0].id == stale);
  CHECK(v.as_of == utc(2026, 11, 25, 12));
  CHECK_FALSE(v.queue_truncated);

  const auto limited = store::load_week(db.c(), week, utc(2026, 11, 25, 12), 1);
  CHECK(limited.queue.size() == 1);
  CHECK(limited.queue_truncated);
  CHECK(store::week_decisions(db.c(), week).size() == 1);
}

TEST_CASE("a past week's queue, stale items and replies are as they stood at its end", "[triage][week]") {
  triage_db db;
  const auto move = [&](std::int64_t id, const char* to, domain::sys_seconds at, const char* note = nullptr,
                        const char* outcome = nullptr) {
    auto ch = status(to, note);
    if (outcome) ch.outcome = outcome;
    const auto current = store::find_report(db.c(), id);
    REQUIRE(current);
    REQUIRE(db.change(id, current->version, ch, at).result == store::change_result::outcome::changed);
  };
  std::map<std::int64_t, std::string> tokens;
  const auto add = [&](const char* title, domain::sys_seconds at) {
    domain::report_submission s;
    s.title = title;
    s.procedure = "Werkinstructie";
    s.description = "Wat er misgaat.";
    s.department = "dpz";
    s.category = "anders";
    const auto token = util::random_token();
    const auto id = store::insert_report(db.c(), s, util::token_hash(token), at).id;
    tokens[id] = token;
    return id;
  };
  const auto reply = [&](std::int64_t id, domain::sys_seconds at) {
    REQUIRE(store::insert_reply(db.c(), util::token_hash(tokens[id]), "Aanvulling.", at));
  };
  // Week 40 of 2026: 28 September up to Monday 5 October 00:00 in Amsterdam (4 October 22:00 UTC).
  const auto week = domain::week_range({2026, 40});
  REQUIRE(week.end == utc(2026, 10, 4, 22));

  const auto decided_later = add("Pas later besloten", utc(2026, 9, 30, 9));
  move(decided_later, "accepted", utc(2026, 10, 7, 10));
  const auto still_new = add("Nog steeds nieuw", utc(2026, 9, 1, 9));
  const auto decided_in_week = add("In de week besloten", utc(2026, 9, 29, 9));
  move(decided_in_week, "accepted", utc(2026, 10, 1, 11));
  const auto answered = add("Aangevuld in de week", utc(2026, 9, 2, 9));
  move(answered, "needs_info", utc(2026, 9, 10, 10));
  reply(answered, utc(2026, 10, 2, 12));  // back to new in the week
  move(answered, "accepted", utc(2026, 10, 8, 10));
  const auto waiting = add("Wacht op de melder", utc(2026, 9, 3, 9));
  move(waiting, "needs_info", utc(2026, 10, 1, 10));
  reply(waiting, utc(2026, 10, 8, 9));  // answered only the week after
  const auto after = add("Na de week", utc(2026, 10, 6, 9));

  const auto stale_then_resolved = add("Lag stil, later opgelost", utc(2026, 8, 1, 9));
  move(stale_then_resolved, "accepted", utc(2026, 8, 3, 10));
  move(stale_then_resolved, "resolved", utc(2026, 10, 10, 10), nullptr, "procedure_changed");
  const auto stale_still = add("Ligt nog steeds stil", utc(2026, 8, 1, 9));
  move(stale_still, "accepted", utc(2026, 8, 3, 10));
  const auto busy = add("Opmerking binnen vier weken", utc(2026, 8, 1, 9));
  move(busy, "accepted", utc(2026, 8, 3, 10));
  REQUIRE(store::insert_comment(db.c(), busy, "anna", "internal", "Loopt.", utc(2026, 9, 20, 9)));
  move(busy, "resolved", utc(2026, 10, 10, 10), nullptr, "explained");
  const auto closed_then = add("Toen gesloten, later heropend", utc(2026, 8, 1, 9));
  move(closed_then, "accepted", utc(2026, 8, 3, 10));
  move(closed_then, "resolved", utc(2026, 8, 5, 10), nullptr, "explained");
  move(closed_then, "accepted", utc(2026, 10, 10, 10), "Heropend.");
  const auto replied_outside = add("Reactie buiten de wachtrij", utc(2026, 9, 1, 9));
  move(replied_outside, "accepted", utc(2026, 9, 2, 10));
  reply(replied_outside, utc(2026, 10, 1, 9));
  move(replied_outside, "resolved", utc(2026, 10, 20, 10), nullptr, "explained");

  // Both ways of finding a past week's candidates give the same lists.
  for (const auto plan : {store::week_plan::automatic, store::week_plan::from_reports, store::week_plan::from_changes}) {
    INFO("plan " << static_cast<int>(plan));
    const auto v = store::load_week(db.c(), week, utc(2026, 11, 25, 12), 100, plan);
    std::vector<std::int64_t> queue, stale, replies;
    for (const auto& r : v.queue) queue.push_back(r.id);
    for (const auto& r : v.stale) stale.push_back(r.id);
    for (const auto& r : v.replies) replies.push_back(r.id);
    CHECK(v.as_of == week.end);
    // New at the end of the week, oldest first, whatever happened to them since.
    CHECK(queue == std::vector<std::int64_t>{still_new, answered, decided_later});
    CHECK(v.queue_answered.size() == 1);
    CHECK(v.queue_answered.count(answered) == 1);
    CHECK(v.queue_answered.at(answered) == utc(2026, 10, 2, 12));
    // Accepted with no event since 6 September, also when closed since; not when closed then.
    CHECK(stale == std::vector<std::int64_t>{stale_then_resolved, stale_still});
    // Its days without an event count to the week's end, also for the one resolved since.
    for (const auto& r : v.stale) CHECK(r.last_event_at == utc(2026, 8, 3, 10));
    // Replies in the week to reports outside that week's queue.
    CHECK(replies == std::vector<std::int64_t>{replied_outside});
    REQUIRE(v.decisions.size() == 2);
    CHECK(v.decisions[0].report_id == waiting);
    CHECK(v.decisions[1].report_id == decided_in_week);
  }

  // The current week: today's statuses.
  const auto now = store::load_week(db.c(), domain::week_range({2026, 48}), utc(2026, 11, 25, 12), 100);
  std::vector<std::int64_t> queue_now, stale_now;
  for (const auto& r : now.queue) queue_now.push_back(r.id);
  for (const auto& r : now.stale) stale_now.push_back(r.id);
  CHECK(queue_now == std::vector<std::int64_t>{still_new, waiting, after});
  CHECK(stale_now == std::vector<std::int64_t>{stale_still, decided_in_week, decided_later, answered, closed_then});
}

TEST_CASE("similar reports come from the report's own words, never itself", "[triage][similar]") {
  triage_db db;
  const auto a = db.add("Parkeervergunning mantelzorgers vervalt te snel", utc(2026, 11, 2, 9));
  const auto b = db.add("Parkeervergunning voor mantelzorgers vervalt", utc(2026, 11, 3, 9));
  db.add("Iets heel anders over afval", utc(2026, 11, 4, 9));
  CHECK(store::index_pending_reports(db.c(), 2) == 2);  // in batches of at most `max`
  CHECK(store::index_pending_reports(db.c(), 2) == 1);
  const auto r = store::find_report(db.c(), a);
  const auto similar = store::similar_reports(db.c(), *r, 5);
  REQUIRE_FALSE(similar.empty());
  CHECK(similar[0].id == b);
  for (const auto& s : similar) CHECK(s.id != a);
}

TEST_CASE("the hub numbers events, replays after Last-Event-ID and drops a reader that falls behind", "[live]") {
  live::hub h({4, 2, 3});
  int woken = 0;
  auto first = h.subscribe(std::nullopt, [&](bool) { ++woken; });
  REQUIRE(first.sub);
  const auto id1 = h.publish("report.created", "{}");
  const auto id2 = h.publish("report.updated", "{}");
  CHECK(id2 == id1 + 1);
  CHECK(woken == 2);
  bool overflowed = false;
  auto got = first.sub->take(overflowed);
  CHECK_FALSE(overflowed);
  REQUIRE(got.size() == 2);
  CHECK(got[0].id == id1);

  auto resumed = h.subscribe(id1, [](bool) {});
  REQUIRE(resumed.sub);
  CHECK_FALSE(resumed.gap);
  REQUIRE(resumed.backlog.size() == 1);
  CHECK(resumed.backlog[0].id == id2);
  // The cap: two streams are open.
  CHECK_FALSE(h.subscribe(std::nullopt, [](bool) {}).sub);
  resumed.sub.reset();
  CHECK(h.open_streams() == 1);

  // More than the ring holds: resuming from the first id is a gap.
  for (int i = 0; i < 6; ++i) h.publish("report.updated", "{}");
  auto late = h.subscribe(id1, [](bool) {});
  CHECK(late.gap);
  CHECK(late.backlog.size() == 4);
  // The first stream did not read: it overflowed and must end.
  first.sub->take(overflowed);
  CHECK(overflowed);
  // An id from before a restart (smaller than any of ours) or from the future is a gap too.
  late.sub.reset();
  CHECK(h.subscribe(std::uint64_t{5}, [](bool) {}).gap);
}

namespace {

/// A database with its writer, for the search indexer's tests: adds one kind of report and
/// searches the full-text index for it.
struct indexer_setup {
  rk_unit::temp_dir dir;
  store::db_options opts{dir.file("rodeknop.db")};
  bool ready = (util::init_crypto(), store::initialise_database(opts), true);
  store::writer w{opts};

  std::int64_t add_report() {
    domain::report_submission s;
    s.title = "Een reëel probleem";
    s.procedure = "Werkinstructie";
    s.description = "Wat er misgaat.";
    s.department = "dpz";
    s.category = "anders";
    return w.run<std::int64_t>([&](store::connection& c) {
      return store::insert_report(c, s, util::token_hash(util::random_token()), domain::now()).id;
    });
  }

  /// The ids the index finds for "reeel" (every report added, once indexed).
  std::vector<std::int64_t> found() {
    store::connection reader(opts, false);
    store::list_query q;
    q.search = "reeel";
    q.limit = 100000;
    std::vector<std::int64_t> ids;
    for (const auto& item : store::list_reports(reader, q).items) ids.push_back(item.id);
    return ids;
  }
};

}  // namespace

TEST_CASE("the search indexer indexes new reports in the background", "[triage][fts][indexer]") {
  indexer_setup db;
  store::search_indexer indexer(db.w, std::chrono::milliseconds(20));
  const auto id = db.add_report();
  indexer.notify();
  CHECK(indexer.behind());
  for (int i = 0; i < 200 && indexer.behind(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK_FALSE(indexer.behind());
  const auto ids = db.found();
  REQUIRE(ids.size() == 1);
  CHECK(ids[0] == id);
  indexer.stop();
  db.w.stop();
}

TEST_CASE("the search indexer gives way to a burst of other writes and catches up after it", "[triage][fts][indexer]") {
  indexer_setup db;
  // The indexer looks every 500 ms whether the writer had other work since its last look. The
  // margin matters on a loaded machine: a test thread stalled for a whole interval looks like a
  // quiet writer (with 100 ms, CI on a machine at half speed saw exactly that).
  store::search_indexer indexer(db.w, std::chrono::milliseconds(500));

  // A burst: a report every millisecond for two seconds (four looks). The index waits meanwhile.
  std::int64_t last = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2000);
  int added = 0;
  while (std::chrono::steady_clock::now() < until) {
    last = db.add_report();
    indexer.notify();
    ++added;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(indexer.behind());
  CHECK(indexer.lag() == added);
  CHECK(db.found().size() == 0);

  // Once the writer is quiet, every report of the burst is indexed.
  for (int i = 0; i < 1000 && indexer.behind(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK_FALSE(indexer.behind());
  CHECK(indexer.lag() == 0);
  CHECK(db.found().size() == static_cast<std::size_t>(added));
  CHECK(last > 0);
  indexer.stop();
  db.w.stop();
}
