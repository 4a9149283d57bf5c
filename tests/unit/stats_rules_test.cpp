// The monthly statistics on known data: each rule of PRODUCT.md's definitions, Europe/Amsterdam
// month boundaries (DST changes, year ends), reopened reports, first decisions, owner changes,
// medians, filters, and reading the range of a request.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Transaction.h>

#include "rodeknop/store/migrations.hpp"
#include "stats_support.hpp"

using namespace rk_stats;
using rk_unit::utc;
using domain::year_month;

namespace {

domain::stats_query range(year_month from, year_month to, std::string dept = {}, std::string cat = {}) {
  return {from, to, std::move(dept), std::move(cat)};
}

const domain::month_stats& month_of(const std::vector<domain::month_stats>& v, year_month m) {
  for (const auto& s : v)
    if (s.month == m) return s;
  throw std::runtime_error("month not in the result");
}

std::int64_t outcome(const domain::month_stats& m, std::string_view o) {
  for (std::size_t i = 0; i < domain::outcome_count; ++i)
    if (domain::outcomes[i] == o) return m.by_outcome[i];
  return -1;
}

}  // namespace

TEST_CASE("reports count in the month of their local Amsterdam date", "[stats]") {
  fresh_db f;
  store::connection c(f.opts, true);
  // 00:30 on 1 April in Amsterdam (CEST) is still 31 March in UTC.
  submit(c, utc(2026, 3, 31, 22, 30));
  // 23:59:59 on 31 March in Amsterdam.
  submit(c, utc(2026, 3, 31, 21, 59, 59));
  // 00:30 on 1 November (CET again) is 23:30 on 31 October in UTC.
  submit(c, utc(2026, 10, 31, 23, 30));
  // 00:30 on 1 January 2027 is 23:30 on 31 December 2026 in UTC.
  submit(c, utc(2026, 12, 31, 23, 30));
  // 00:00 on 1 March (CET) is 23:00 on 28 February in UTC.
  submit(c, utc(2026, 2, 28, 23, 0));
  // Around the DST switches inside a month: 29 March 2026 and 25 October 2026.
  submit(c, utc(2026, 3, 29, 0, 59, 59));
  submit(c, utc(2026, 10, 25, 1, 0, 0));

  const auto s = store::monthly_stats(c, range({2026, 2}, {2027, 1}), default_keys(), nullptr);
  REQUIRE(s.size() == 12);
  CHECK(month_of(s, {2026, 2}).total.received == 0);
  CHECK(month_of(s, {2026, 3}).total.received == 3);
  CHECK(month_of(s, {2026, 4}).total.received == 1);
  CHECK(month_of(s, {2026, 10}).total.received == 1);
  CHECK(month_of(s, {2026, 11}).total.received == 1);
  CHECK(month_of(s, {2026, 12}).total.received == 0);
  CHECK(month_of(s, {2027, 1}).total.received == 1);
  // Every month present, in order, zeros included.
  for (std::size_t i = 0; i < s.size(); ++i) CHECK(s[i].month == domain::add_months({2026, 2}, static_cast<int>(i)));
  CHECK(month_of(s, {2026, 5}).total == domain::stats_counts{});
  CHECK(month_of(s, {2026, 5}).open_at_end == 4);
  CHECK(month_of(s, {2027, 1}).open_at_end == 7);
  CHECK_FALSE(month_of(s, {2026, 5}).median_days_to_decision.has_value());
}

TEST_CASE("decided counts a report's first move out of new once, even after a reply sends it back", "[stats]") {
  fresh_db f;
  store::connection c(f.opts, true);
  const auto id = submit(c, utc(2026, 1, 10, 9), "dso", "ict_systeem", "tag-first-decision");
  change_status(c, id, "needs_info", utc(2026, 1, 12, 9));  // 2 days: the first decision, in January
  REQUIRE(store::insert_reply(c, "tag-first-decision", "Hier is een voorbeeld.", utc(2026, 2, 3, 9)));
  change_status(c, id, "accepted", utc(2026, 2, 5, 9));  // a later move out of new: not counted again
  change_status(c, id, "in_progress", utc(2026, 2, 6, 9));

  const auto s = store::monthly_stats(c, range({2026, 1}, {2026, 2}), default_keys(), nullptr);
  CHECK(s[0].total.decided == 1);
  CHECK(s[1].total.decided == 0);
  REQUIRE(s[0].median_days_to_decision);
  CHECK(*s[0].median_days_to_decision == Approx(2.0));
  CHECK_FALSE(s[1].median_days_to_decision);
  CHECK(s[0].by_department.at("dso").decided == 1);
  CHECK(s[0].by_category.at("ict_systeem").decided == 1);
  CHECK(s[0].open_at_end == 1);
  CHECK(s[1].open_at_end == 1);
}

TEST_CASE("a report reopened in a later month and closed again counts each closing", "[stats]") {
  fresh_db f;
  store::connection c(f.opts, true);
  const auto id = submit(c, utc(2026, 1, 5, 10));
  change_status(c, id, "accepted", utc(2026, 1, 6, 10));
  change_status(c, id, "resolved", utc(2026, 1, 15, 10), "rule_changed");        // 10 days
  change_status(c, id, "accepted", utc(2026, 2, 2, 10));                         // reopened
  change_status(c, id, "resolved", utc(2026, 3, 6, 10), "rule_abolished");       // 60 days
  const auto other = submit(c, utc(2026, 1, 20, 10));
  change_status(c, other, "rejected", utc(2026, 1, 21, 22));                     // 1.5 days

  const auto s = store::monthly_stats(c, range({2026, 1}, {2026, 4}), default_keys(), nullptr);
  CHECK(s[0].total.received == 2);
  CHECK(s[0].total.decided == 2);
  CHECK(s[0].total.resolved == 1);
  CHECK(s[0].total.rejected == 1);
  CHECK(outcome(s[0], "rule_changed") == 1);
  CHECK(s[0].open_at_end == 0);
  CHECK(s[1].open_at_end == 1);  // reopened in February
  CHECK(s[1].total.resolved == 0);
  CHECK(s[2].total.resolved == 1);
  CHECK(outcome(s[2], "rule_abolished") == 1);
  CHECK(s[2].total.decided == 0);
  CHECK(s[2].open_at_end == 0);
  CHECK(s[3].open_at_end == 0);
  REQUIRE(s[0].median_days_to_close);
  CHECK(*s[0].median_days_to_close == Approx((10.0 + 1.5) / 2));  // even count: mean of the middle two
  REQUIRE(s[2].median_days_to_close);
  CHECK(*s[2].median_days_to_close == Approx(60.0));
  REQUIRE(s[0].median_days_to_decision);
  CHECK(*s[0].median_days_to_decision == Approx((1.0 + 1.5) / 2));
}

TEST_CASE("a report's figures follow its current owning department", "[stats]") {
  fresh_db f;
  store::connection c(f.opts, true);
  const auto id = submit(c, utc(2026, 5, 4, 8), "szw", "formulier_brief");
  change_status(c, id, "accepted", utc(2026, 5, 5, 8));
  set_owner(c, id, "dsb", utc(2026, 5, 5, 8));
  change_status(c, id, "resolved", utc(2026, 6, 1, 8), "procedure_changed");

  auto s = store::monthly_stats(c, range({2026, 5}, {2026, 6}), default_keys(), nullptr);
  CHECK(s[0].by_owner_department.at("dsb").received == 1);
  CHECK(s[0].by_owner_department.at("dsb").decided == 1);
  CHECK(s[1].by_owner_department.at("dsb").resolved == 1);

  set_owner(c, id, "dso", utc(2026, 6, 2, 8));
  s = store::monthly_stats(c, range({2026, 5}, {2026, 6}), default_keys(), nullptr);
  CHECK(s[0].by_owner_department.at("dsb") == domain::stats_counts{});
  CHECK(s[1].by_owner_department.at("dsb") == domain::stats_counts{});
  CHECK(s[0].by_owner_department.at("dso").received == 1);
  CHECK(s[0].by_owner_department.at("dso").decided == 1);
  CHECK(s[1].by_owner_department.at("dso").resolved == 1);
  // Totals and the other breakdowns are unchanged by the move.
  CHECK(s[0].total.received == 1);
  CHECK(s[0].by_department.at("szw").received == 1);
  CHECK(s[1].by_category.at("formulier_brief").resolved == 1);

  set_owner(c, id, "", utc(2026, 6, 3, 8));
  s = store::monthly_stats(c, range({2026, 5}, {2026, 6}), default_keys(), nullptr);
  for (const auto& [key, counts] : s[0].by_owner_department) CHECK(counts == domain::stats_counts{});
  CHECK(s[0].total.received == 1);
}

TEST_CASE("filters restrict every figure to one department or category", "[stats]") {
  fresh_db f;
  store::connection c(f.opts, true);
  const auto a = submit(c, utc(2026, 7, 1, 8), "bsd", "anders");
  const auto b = submit(c, utc(2026, 7, 2, 8), "dpz", "anders");
  const auto d = submit(c, utc(2026, 7, 3, 8), "dpz", "ict_systeem");
  change_status(c, a, "accepted", utc(2026, 7, 2, 8));    // 1 day
  change_status(c, b, "duplicate", utc(2026, 7, 5, 8));   // 3 days
  change_status(c, d, "accepted", utc(2026, 7, 13, 8));   // 10 days

  store::median_cache cache;
  const auto all = store::monthly_stats(c, range({2026, 7}, {2026, 7}), default_keys(), &cache);
  CHECK(all[0].total.received == 3);
  CHECK(*all[0].median_days_to_decision == Approx(3.0));
  const auto dpz = store::monthly_stats(c, range({2026, 7}, {2026, 7}, "dpz"), default_keys(), &cache);
  CHECK(dpz[0].total.received == 2);
  CHECK(dpz[0].total.duplicates == 1);
  CHECK(dpz[0].open_at_end == 1);
  CHECK(*dpz[0].median_days_to_decision == Approx(6.5));
  CHECK(dpz[0].by_department.at("bsd") == domain::stats_counts{});
  const auto anders = store::monthly_stats(c, range({2026, 7}, {2026, 7}, "", "anders"), default_keys(), &cache);
  CHECK(anders[0].total.received == 2);
  CHECK(*anders[0].median_days_to_decision == Approx(2.0));
  const auto both = store::monthly_stats(c, range({2026, 7}, {2026, 7}, "dpz", "ict_systeem"), default_keys(), &cache);
  CHECK(both[0].total.received == 1);
  CHECK(both[0].open_at_end == 1);
  CHECK(*both[0].median_days_to_decision == Approx(10.0));
  CHECK(cache.size() == 7);  // four filters × to decision, and to closing where a closing exists

  // A new decision in the month changes the count, so the cached median is not used.
  const auto e = submit(c, utc(2026, 7, 20, 8), "dpz", "ict_systeem");
  change_status(c, e, "rejected", utc(2026, 7, 30, 8));  // 10 days
  const auto again = store::monthly_stats(c, range({2026, 7}, {2026, 7}), default_keys(), &cache);
  CHECK(*again[0].median_days_to_decision == Approx(6.5));
}

TEST_CASE("a report whose category is corrected moves its figures and durations", "[stats]") {
  fresh_db f;
  store::connection c(f.opts, true);
  store::median_cache cache;
  const auto a = submit(c, utc(2026, 8, 3, 8), "bsd", "anders");
  const auto b = submit(c, utc(2026, 8, 3, 8), "bsd", "ict_systeem");
  change_status(c, a, "accepted", utc(2026, 8, 4, 8));  // 1 day
  change_status(c, b, "accepted", utc(2026, 8, 7, 8));  // 4 days
  auto s = store::monthly_stats(c, range({2026, 8}, {2026, 8}, "", "anders"), default_keys(), &cache);
  CHECK(*s[0].median_days_to_decision == Approx(1.0));
  // Swap the two categories: same counts per category, different sets.
  c.db().exec("UPDATE reports SET category = 'samenwerking' WHERE id = " + std::to_string(a));
  c.db().exec("UPDATE reports SET category = 'anders' WHERE id = " + std::to_string(b));
  s = store::monthly_stats(c, range({2026, 8}, {2026, 8}, "", "anders"), default_keys(), &cache);
  CHECK(s[0].total.decided == 1);
  CHECK(*s[0].median_days_to_decision == Approx(4.0));
  s = store::monthly_stats(c, range({2026, 8}, {2026, 8}), default_keys(), &cache);
  CHECK(s[0].by_category.at("samenwerking").received == 1);
  CHECK(s[0].by_category.at("ict_systeem").received == 0);
}

TEST_CASE("a database from before the statistics gets its figures when it is migrated", "[stats]") {
  fresh_db f;  // only for the temporary directory
  store::db_options old;
  old.path = f.dir.file("version3.db");
  {
    // Schema version 3 by hand, then reports and histories written without any trigger.
    SQLite::Database db(old.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const auto& m : store::embedded_migrations())
      if (m.version <= 3) db.exec(m.sql);
    db.exec("PRAGMA application_id = " + std::to_string(store::application_id));
    db.exec("PRAGMA user_version = 3");
    db.exec(
        "INSERT INTO reports (id, reference, tracking_hash, title, procedure, description, department, category, "
        "status, owner_department, created_at, updated_at) VALUES "
        "(1, 'RK-2026-00001', x'01', 't', 'p', 'd', 'bsd', 'anders', 'resolved', 'dso', 1774998000, 1780000000), "
        "(2, 'RK-2026-00002', x'02', 't', 'p', 'd', 'dpz', 'ict_systeem', 'needs_info', NULL, 1775100000, 1776000000)");
    db.exec(
        "INSERT INTO events (report_id, at, actor, type, from_value, to_value, outcome) VALUES "
        "(1, 1774998000, 'reporter', 'created', NULL, 'new', NULL), "
        "(2, 1775100000, 'reporter', 'created', NULL, 'new', NULL), "
        "(1, 1775500000, 'anna', 'status', 'new', 'accepted', NULL), "
        "(2, 1776000000, 'anna', 'status', 'new', 'needs_info', NULL), "
        "(1, 1778000000, 'anna', 'status', 'accepted', 'resolved', 'rule_abolished'), "
        "(1, 1779000000, 'anna', 'status', 'resolved', 'accepted', NULL), "
        "(1, 1780000000, 'anna', 'status', 'accepted', 'resolved', 'explained')");
  }
  store::initialise_database(old);
  store::connection c(old, true);
  const auto q = range({2026, 3}, {2026, 7});
  const auto fast = store::monthly_stats(c, q, default_keys(), nullptr);
  const auto plain = recompute_from_events(c, q, default_keys());
  REQUIRE(fast.size() == plain.size());
  for (std::size_t i = 0; i < fast.size(); ++i) {
    INFO(domain::format_year_month(fast[i].month));
    CHECK(fast[i].total == plain[i].total);
    CHECK(fast[i].open_at_end == plain[i].open_at_end);
    CHECK(fast[i].by_owner_department == plain[i].by_owner_department);
    CHECK(fast[i].by_outcome == plain[i].by_outcome);
    CHECK(fast[i].median_days_to_close == plain[i].median_days_to_close);
    CHECK(fast[i].median_days_to_decision == plain[i].median_days_to_decision);
  }
  // 1774998000 is 2026-03-31T23:00:00Z, 01:00 on 1 April in Amsterdam.
  CHECK(fast[0].total.received == 0);
  CHECK(fast[1].total.received == 2);
  CHECK(fast[1].by_owner_department.at("dso").received == 1);
}

TEST_CASE("the range of a statistics request", "[stats]") {
  std::map<std::string, std::string> errors;
  const year_month now{2026, 11};
  auto q = domain::read_stats_range(nullptr, nullptr, now, errors);
  CHECK(errors.empty());
  CHECK(q.from == year_month{2025, 12});
  CHECK(q.to == year_month{2026, 11});

  const std::string jan = "2026-01", dec = "2026-12", bad = "2026-13", worse = "26-01", early = "2016-01",
                    limit = "2016-01", over = "2015-12";
  q = domain::read_stats_range(&jan, &dec, now, errors);
  CHECK(errors.empty());
  CHECK(domain::months_in_range(q.from, q.to) == 12);
  q = domain::read_stats_range(&jan, nullptr, now, errors);
  CHECK(q.to == year_month{2026, 11});  // not into months that have not begun
  const std::string may = "2025-05";
  q = domain::read_stats_range(&may, nullptr, now, errors);
  CHECK(q.to == year_month{2026, 4});
  q = domain::read_stats_range(&dec, nullptr, now, errors);  // a month to come: that month alone
  CHECK(q.from == year_month{2026, 12});
  CHECK(q.to == year_month{2026, 12});
  q = domain::read_stats_range(nullptr, &jan, now, errors);
  CHECK(q.from == year_month{2025, 2});
  CHECK(errors.empty());

  domain::read_stats_range(&bad, &worse, now, errors);
  CHECK(errors.size() == 2);
  CHECK(errors.count("from") == 1);
  CHECK(errors.count("to") == 1);
  errors.clear();
  domain::read_stats_range(&dec, &jan, now, errors);
  CHECK(errors.count("to") == 1);
  errors.clear();
  const std::string last = "2025-12";
  domain::read_stats_range(&limit, &last, now, errors);  // exactly 120 months
  CHECK(errors.empty());
  domain::read_stats_range(&over, &last, now, errors);  // 121 months
  CHECK(errors.count("to") == 1);
  (void)early;
}

TEST_CASE("months arithmetic and medians", "[stats]") {
  CHECK(domain::add_months({2026, 1}, -1) == year_month{2025, 12});
  CHECK(domain::add_months({2026, 12}, 1) == year_month{2027, 1});
  CHECK(domain::add_months({2026, 3}, -27) == year_month{2023, 12});
  CHECK(domain::add_months({2026, 3}, 0) == year_month{2026, 3});
  CHECK(domain::months_in_range({2025, 12}, {2026, 1}) == 2);
  CHECK(domain::months_in_range({2026, 2}, {2026, 1}) == 0);
  CHECK_FALSE(domain::median_days({}));
  CHECK(*domain::median_days({86400}) == Approx(1.0));
  CHECK(*domain::median_days({0, 86400}) == Approx(0.5));
  CHECK(*domain::median_days({1, 2, 3 * 86400}) == Approx(2.0 / 86400));
}
