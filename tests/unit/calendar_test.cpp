// Time as the municipality counts it (PRODUCT.md "Time"): Europe/Amsterdam offsets, ISO weeks
// and calendar months in local time, RFC 3339 and the Dutch date format of the pages.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "rodeknop/domain/calendar.hpp"
#include "unit_support.hpp"

namespace domain = rodeknop::domain;
namespace chr = std::chrono;
using rk_unit::utc;

TEST_CASE("Amsterdam is UTC+1 in winter and UTC+2 in summer", "[calendar][offset]") {
  CHECK(domain::amsterdam_offset(utc(2026, 1, 15, 12)) == chr::hours{1});
  CHECK(domain::amsterdam_offset(utc(2026, 7, 1, 12)) == chr::hours{2});
  CHECK(domain::amsterdam_offset(utc(2026, 12, 31, 23, 59, 59)) == chr::hours{1});
  CHECK(domain::amsterdam_offset(utc(2027, 1, 1, 0, 0, 0)) == chr::hours{1});
}

TEST_CASE("summer time starts on the last Sunday of March at 01:00 UTC", "[calendar][offset][dst]") {
  // 2026: 29 March.
  CHECK(domain::amsterdam_offset(utc(2026, 3, 29, 0, 59, 59)) == chr::hours{1});
  CHECK(domain::amsterdam_offset(utc(2026, 3, 29, 1, 0, 0)) == chr::hours{2});
  // The Sunday before is not the switch.
  CHECK(domain::amsterdam_offset(utc(2026, 3, 22, 12)) == chr::hours{1});
  // 2027: 28 March; 2024 (leap year): 31 March, the last day of the month itself.
  CHECK(domain::amsterdam_offset(utc(2027, 3, 28, 0, 59, 59)) == chr::hours{1});
  CHECK(domain::amsterdam_offset(utc(2027, 3, 28, 1, 0, 0)) == chr::hours{2});
  CHECK(domain::amsterdam_offset(utc(2024, 3, 31, 0, 59, 59)) == chr::hours{1});
  CHECK(domain::amsterdam_offset(utc(2024, 3, 31, 1, 0, 0)) == chr::hours{2});
  CHECK(domain::amsterdam_offset(utc(2024, 3, 30, 23, 0, 0)) == chr::hours{1});
}

TEST_CASE("summer time ends on the last Sunday of October at 01:00 UTC", "[calendar][offset][dst]") {
  // 2026: 25 October.
  CHECK(domain::amsterdam_offset(utc(2026, 10, 25, 0, 59, 59)) == chr::hours{2});
  CHECK(domain::amsterdam_offset(utc(2026, 10, 25, 1, 0, 0)) == chr::hours{1});
  CHECK(domain::amsterdam_offset(utc(2026, 10, 18, 12)) == chr::hours{2});
  // 2027: 31 October, the last day of the month itself.
  CHECK(domain::amsterdam_offset(utc(2027, 10, 31, 0, 59, 59)) == chr::hours{2});
  CHECK(domain::amsterdam_offset(utc(2027, 10, 31, 1, 0, 0)) == chr::hours{1});
  CHECK(domain::amsterdam_offset(utc(2027, 10, 30, 12)) == chr::hours{2});
}

TEST_CASE("to_amsterdam gives the local wall-clock time across the switches", "[calendar][offset][dst]") {
  SECTION("spring: 01:59:59 local is followed by 03:00:00 local") {
    const auto before = domain::to_amsterdam(utc(2026, 3, 29, 0, 59, 59));
    CHECK(before.date == chr::year{2026} / chr::March / 29);
    CHECK(before.time_of_day.hours() == chr::hours{1});
    CHECK(before.time_of_day.minutes() == chr::minutes{59});
    CHECK(before.time_of_day.seconds() == chr::seconds{59});
    CHECK(before.utc_offset == chr::hours{1});
    const auto after = domain::to_amsterdam(utc(2026, 3, 29, 1, 0, 0));
    CHECK(after.date == chr::year{2026} / chr::March / 29);
    CHECK(after.time_of_day.hours() == chr::hours{3});
    CHECK(after.time_of_day.minutes() == chr::minutes{0});
    CHECK(after.utc_offset == chr::hours{2});
  }
  SECTION("autumn: 02:59:59 summer time is followed by 02:00:00 winter time") {
    const auto before = domain::to_amsterdam(utc(2026, 10, 25, 0, 59, 59));
    CHECK(before.time_of_day.hours() == chr::hours{2});
    CHECK(before.time_of_day.minutes() == chr::minutes{59});
    CHECK(before.utc_offset == chr::hours{2});
    const auto after = domain::to_amsterdam(utc(2026, 10, 25, 1, 0, 0));
    CHECK(after.date == chr::year{2026} / chr::October / 25);
    CHECK(after.time_of_day.hours() == chr::hours{2});
    CHECK(after.time_of_day.minutes() == chr::minutes{0});
    CHECK(after.utc_offset == chr::hours{1});
  }
  SECTION("new year's night: 23:30 UTC on 31 December is already the next year locally") {
    const auto l = domain::to_amsterdam(utc(2026, 12, 31, 23, 30));
    CHECK(l.date == chr::year{2027} / chr::January / 1);
    CHECK(l.time_of_day.hours() == chr::hours{0});
    CHECK(l.time_of_day.minutes() == chr::minutes{30});
  }
}

TEST_CASE("amsterdam_midnight is local 00:00 as a UTC instant", "[calendar][midnight]") {
  CHECK(domain::amsterdam_midnight(chr::year{2026} / chr::January / 15) == utc(2026, 1, 14, 23));
  CHECK(domain::amsterdam_midnight(chr::year{2026} / chr::July / 1) == utc(2026, 6, 30, 22));
  // On the switch days midnight still has the offset of the day before.
  CHECK(domain::amsterdam_midnight(chr::year{2026} / chr::March / 29) == utc(2026, 3, 28, 23));
  CHECK(domain::amsterdam_midnight(chr::year{2026} / chr::March / 30) == utc(2026, 3, 29, 22));
  CHECK(domain::amsterdam_midnight(chr::year{2026} / chr::October / 25) == utc(2026, 10, 24, 22));
  CHECK(domain::amsterdam_midnight(chr::year{2026} / chr::October / 26) == utc(2026, 10, 25, 23));
  CHECK(domain::amsterdam_midnight(chr::year{2027} / chr::January / 1) == utc(2026, 12, 31, 23));
}

TEST_CASE("ISO week of a calendar date, including the turn of the year", "[calendar][week]") {
  using W = domain::iso_week;
  CHECK(domain::iso_week_of(chr::year{2024} / chr::December / 30) == W{2025, 1});
  CHECK(domain::iso_week_of(chr::year{2024} / chr::December / 29) == W{2024, 52});
  CHECK(domain::iso_week_of(chr::year{2027} / chr::January / 1) == W{2026, 53});
  CHECK(domain::iso_week_of(chr::year{2026} / chr::December / 31) == W{2026, 53});
  CHECK(domain::iso_week_of(chr::year{2027} / chr::January / 3) == W{2026, 53});
  CHECK(domain::iso_week_of(chr::year{2027} / chr::January / 4) == W{2027, 1});
  CHECK(domain::iso_week_of(chr::year{2021} / chr::January / 3) == W{2020, 53});
  CHECK(domain::iso_week_of(chr::year{2021} / chr::January / 4) == W{2021, 1});
  CHECK(domain::iso_week_of(chr::year{2023} / chr::January / 1) == W{2022, 52});
  CHECK(domain::iso_week_of(chr::year{2025} / chr::December / 29) == W{2026, 1});
  CHECK(domain::iso_week_of(chr::year{2026} / chr::January / 1) == W{2026, 1});
  CHECK(domain::iso_week_of(chr::year{2026} / chr::July / 6) == W{2026, 28});
  CHECK(domain::iso_week_of(chr::year{2026} / chr::March / 29) == W{2026, 13});
}

TEST_CASE("a report on Monday 00:30 local time belongs to the new week", "[calendar][week]") {
  using W = domain::iso_week;
  SECTION("winter: Monday 00:30 local is Sunday 23:30 UTC") {
    // Monday 5 January 2026 is the first day of 2026-W02.
    CHECK(domain::amsterdam_week(utc(2026, 1, 4, 23, 30)) == W{2026, 2});
    CHECK(domain::amsterdam_week(utc(2026, 1, 4, 23, 0, 0)) == W{2026, 2});
    CHECK(domain::amsterdam_week(utc(2026, 1, 4, 22, 59, 59)) == W{2026, 1});
  }
  SECTION("summer: Monday 00:30 local is Sunday 22:30 UTC") {
    // Monday 6 July 2026 is the first day of 2026-W28.
    CHECK(domain::amsterdam_week(utc(2026, 7, 5, 22, 30)) == W{2026, 28});
    CHECK(domain::amsterdam_week(utc(2026, 7, 5, 22, 0, 0)) == W{2026, 28});
    CHECK(domain::amsterdam_week(utc(2026, 7, 5, 21, 59, 59)) == W{2026, 27});
  }
  SECTION("new year: Monday 4 January 2027 00:30 local starts 2027-W01") {
    CHECK(domain::amsterdam_week(utc(2027, 1, 3, 23, 30)) == W{2027, 1});
    CHECK(domain::amsterdam_week(utc(2027, 1, 3, 22, 30)) == W{2026, 53});
  }
}

TEST_CASE("weeks_in_iso_year: 52 or 53", "[calendar][week]") {
  CHECK(domain::weeks_in_iso_year(2026) == 53);
  CHECK(domain::weeks_in_iso_year(2025) == 52);
  CHECK(domain::weeks_in_iso_year(2020) == 53);
  CHECK(domain::weeks_in_iso_year(2021) == 52);
  CHECK(domain::weeks_in_iso_year(2015) == 53);
  CHECK(domain::weeks_in_iso_year(2024) == 52);
  CHECK(domain::weeks_in_iso_year(2032) == 53);
}

TEST_CASE("parse_iso_week accepts YYYY-Www for weeks the year has", "[calendar][week][parse]") {
  using W = domain::iso_week;
  CHECK(domain::parse_iso_week("2026-W53") == W{2026, 53});
  CHECK(domain::parse_iso_week("2026-W01") == W{2026, 1});
  CHECK(domain::parse_iso_week("2025-W52") == W{2025, 52});
  CHECK(domain::parse_iso_week("2020-W53") == W{2020, 53});
  CHECK(domain::format_iso_week(W{2026, 5}) == "2026-W05");
  CHECK(domain::format_iso_week(W{2026, 53}) == "2026-W53");
  CHECK(domain::parse_iso_week(domain::format_iso_week(W{2027, 9})) == W{2027, 9});
}

TEST_CASE("parse_iso_week rejects malformed weeks and weeks the year does not have", "[calendar][week][parse]") {
  const char* bad[] = {"2025-W53", "2026-W54", "2026-W00", "2026-W1",  "2026W01",   "abcd-W01", "2026-W01x",
                       "2026-W01 ", " 2026-W01", "2026-01",  "",         "2026-W+1",  "2026-W-1", "2026-X01",
                       "20261-W01", "2026-W100"};
  for (const char* text : bad) {
    INFO("input: \"" << text << "\"");
    CHECK_FALSE(domain::parse_iso_week(text).has_value());
  }
}

TEST_CASE("week_range runs from Monday 00:00 to the next Monday 00:00 local time", "[calendar][week][range]") {
  SECTION("an ordinary winter week is 168 hours") {
    const auto r = domain::week_range({2026, 2});
    CHECK(r.begin == utc(2026, 1, 4, 23));
    CHECK(r.end == utc(2026, 1, 11, 23));
    CHECK(r.end - r.begin == chr::hours{168});
  }
  SECTION("the week of the spring switch (containing 2026-03-29) is 167 hours") {
    const auto w = domain::amsterdam_week(utc(2026, 3, 29, 12));
    CHECK(w == domain::iso_week{2026, 13});
    const auto r = domain::week_range(w);
    CHECK(r.begin == utc(2026, 3, 22, 23));
    CHECK(r.end == utc(2026, 3, 29, 22));
    CHECK(r.end - r.begin == chr::hours{167});
  }
  SECTION("the week of the autumn switch (containing 2026-10-25) is 169 hours") {
    const auto w = domain::amsterdam_week(utc(2026, 10, 25, 12));
    CHECK(w == domain::iso_week{2026, 43});
    const auto r = domain::week_range(w);
    CHECK(r.begin == utc(2026, 10, 18, 22));
    CHECK(r.end == utc(2026, 10, 25, 23));
    CHECK(r.end - r.begin == chr::hours{169});
  }
  SECTION("2026-W01 starts in 2025 and 2026-W53 ends where 2027-W01 begins") {
    CHECK(domain::week_range({2026, 1}).begin == utc(2025, 12, 28, 23));
    CHECK(domain::week_range({2026, 53}).begin == utc(2026, 12, 27, 23));
    CHECK(domain::week_range({2026, 53}).end == utc(2027, 1, 3, 23));
    CHECK(domain::week_range({2027, 1}).begin == domain::week_range({2026, 53}).end);
  }
}

TEST_CASE("every instant of a year lies in the range of its own week and month", "[calendar][week][month][range]") {
  // Every 30 minutes from mid-December 2025 to mid-January 2028: covers three new years, the
  // 53-week year 2026 and six DST switches.
  int failures = 0;
  int checked = 0;
  for (auto t = utc(2025, 12, 15); t < utc(2028, 1, 15); t += chr::minutes{30}) {
    const auto w = domain::amsterdam_week(t);
    const auto wr = domain::week_range(w);
    const auto m = domain::amsterdam_month(t);
    const auto mr = domain::month_range(m);
    ++checked;
    if (!(wr.begin <= t && t < wr.end) || !(mr.begin <= t && t < mr.end) || w.week < 1 ||
        w.week > domain::weeks_in_iso_year(w.year)) {
      if (++failures <= 5) FAIL_CHECK("instant " << domain::format_rfc3339(t) << " is outside its week/month range");
    }
  }
  CHECK(checked > 36000);
  CHECK(failures == 0);
}

TEST_CASE("month_range: first of the month 00:00 local to the first of the next month", "[calendar][month][range]") {
  SECTION("April 2026 begins at 2026-03-31T22:00:00Z (summer time)") {
    const auto r = domain::month_range({2026, 4});
    CHECK(r.begin == utc(2026, 3, 31, 22));
    CHECK(r.end == utc(2026, 4, 30, 22));
  }
  SECTION("January begins at 23:00Z on 31 December") {
    const auto r = domain::month_range({2026, 1});
    CHECK(r.begin == utc(2025, 12, 31, 23));
    CHECK(r.end == utc(2026, 1, 31, 23));
  }
  SECTION("March and October contain a switch") {
    const auto march = domain::month_range({2026, 3});
    CHECK(march.begin == utc(2026, 2, 28, 23));
    CHECK(march.end == utc(2026, 3, 31, 22));
    CHECK(march.end - march.begin == chr::hours{31 * 24 - 1});
    const auto october = domain::month_range({2026, 10});
    CHECK(october.begin == utc(2026, 9, 30, 22));
    CHECK(october.end == utc(2026, 10, 31, 23));
    CHECK(october.end - october.begin == chr::hours{31 * 24 + 1});
  }
  SECTION("December ends where the next January begins") {
    CHECK(domain::month_range({2026, 12}).end == utc(2026, 12, 31, 23));
    CHECK(domain::month_range({2026, 12}).end == domain::month_range({2027, 1}).begin);
  }
}

TEST_CASE("amsterdam_month counts a report by its local date", "[calendar][month]") {
  using M = domain::year_month;
  // 1 April 00:30 local is 31 March 22:30 UTC.
  CHECK(domain::amsterdam_month(utc(2026, 3, 31, 22, 30)) == M{2026, 4});
  CHECK(domain::amsterdam_month(utc(2026, 3, 31, 21, 59, 59)) == M{2026, 3});
  CHECK(domain::amsterdam_month(utc(2025, 12, 31, 23, 30)) == M{2026, 1});
  CHECK(domain::amsterdam_month(utc(2025, 12, 31, 22, 59, 59)) == M{2025, 12});
  CHECK(domain::amsterdam_month(utc(2026, 6, 15, 12)) == M{2026, 6});
}

TEST_CASE("parse_year_month and format_year_month", "[calendar][month][parse]") {
  using M = domain::year_month;
  CHECK(domain::parse_year_month("2026-04") == M{2026, 4});
  CHECK(domain::parse_year_month("2026-12") == M{2026, 12});
  CHECK(domain::parse_year_month("2027-01") == M{2027, 1});
  CHECK(domain::format_year_month(M{2026, 4}) == "2026-04");
  CHECK(domain::format_year_month(M{2026, 11}) == "2026-11");

  const char* bad[] = {"2026-13", "2026-00", "2026-4", "2026/04", "26-04",   "2026-04-01", "",
                       "abcd-01", "2026-0a", "2026-1a", " 2026-04", "2026-04 ", "2026--4",   "202604"};
  for (const char* text : bad) {
    INFO("input: \"" << text << "\"");
    CHECK_FALSE(domain::parse_year_month(text).has_value());
  }
}

TEST_CASE("next_month steps over the end of a year", "[calendar][month]") {
  using M = domain::year_month;
  CHECK(domain::next_month({2026, 12}) == M{2027, 1});
  CHECK(domain::next_month({2026, 1}) == M{2026, 2});
  CHECK(domain::next_month({2026, 11}) == M{2026, 12});
}

TEST_CASE("amsterdam_year switches at local midnight on new year's night", "[calendar][year]") {
  CHECK(domain::amsterdam_year(utc(2026, 12, 31, 22, 59, 59)) == 2026);
  CHECK(domain::amsterdam_year(utc(2026, 12, 31, 23, 0, 0)) == 2027);
  CHECK(domain::amsterdam_year(utc(2026, 12, 31, 23, 30)) == 2027);
  CHECK(domain::amsterdam_year(utc(2027, 6, 30, 22, 30)) == 2027);
}

TEST_CASE("format_rfc3339 writes UTC with a Z", "[calendar][rfc3339]") {
  CHECK(domain::format_rfc3339(utc(2026, 11, 23, 9, 15)) == "2026-11-23T09:15:00Z");
  CHECK(domain::format_rfc3339(utc(2024, 2, 29, 23, 59, 59)) == "2024-02-29T23:59:59Z");
  CHECK(domain::format_rfc3339(utc(1970, 1, 1)) == "1970-01-01T00:00:00Z");
}

TEST_CASE("parse_rfc3339 reads Z and numeric offsets", "[calendar][rfc3339][parse]") {
  CHECK(domain::parse_rfc3339("2026-11-23T09:15:00Z") == utc(2026, 11, 23, 9, 15));
  CHECK(domain::parse_rfc3339("2026-11-23T11:15:00+02:00") == utc(2026, 11, 23, 9, 15));
  CHECK(domain::parse_rfc3339("2026-11-23T08:15:00-01:00") == utc(2026, 11, 23, 9, 15));
  CHECK(domain::parse_rfc3339("2026-01-01T00:30:00+01:00") == utc(2025, 12, 31, 23, 30));
  CHECK(domain::parse_rfc3339("2026-11-23T09:15:00.123Z") == utc(2026, 11, 23, 9, 15));
  CHECK(domain::parse_rfc3339("2024-02-29T12:00:00Z") == utc(2024, 2, 29, 12));
}

TEST_CASE("format_rfc3339 and parse_rfc3339 round-trip", "[calendar][rfc3339]") {
  for (const auto t : {utc(2026, 11, 23, 9, 15), utc(2026, 3, 29, 1, 0, 0), utc(2026, 10, 25, 0, 59, 59),
                       utc(2024, 2, 29, 23, 59, 59), utc(2027, 1, 1), utc(2038, 1, 19, 3, 14, 8)}) {
    const auto text = domain::format_rfc3339(t);
    INFO(text);
    CHECK(domain::parse_rfc3339(text) == t);
  }
}

TEST_CASE("parse_rfc3339 rejects impossible dates and incomplete times", "[calendar][rfc3339][parse]") {
  const char* bad[] = {"2026-02-30T00:00:00Z",      // no 30 February
                       "2026-02-29T00:00:00Z",      // 2026 is not a leap year
                       "2026-13-01T00:00:00Z",      "2026-00-10T00:00:00Z", "2026-11-31T00:00:00Z",
                       "2026-11-23T09:15:00",       // no zone
                       "2026-11-23T24:00:00Z",      "2026-11-23T09:60:00Z", "2026-11-23T09:15:61Z",
                       "2026-11-23T09:15:00Zjunk",  "2026-11-23T09:15:00+0200", "2026-11-23T09:15:00+02",
                       "2026-11-23T09:15:00.Z",     "2026-11-23",           "",
                       "2026-11-23X09:15:00Z",      "26-11-23T09:15:00Z",   "2026-1-23T09:15:00Z",
                       "2026-11-23T09:15:00+02:00x"};
  for (const char* text : bad) {
    INFO("input: \"" << text << "\"");
    CHECK_FALSE(domain::parse_rfc3339(text).has_value());
  }
}

TEST_CASE("format_dutch_datetime shows local time in Dutch", "[calendar][dutch]") {
  CHECK(domain::format_dutch_datetime(utc(2026, 11, 23, 9, 15)) == "23 november 2026 om 10:15");
  // Summer time: UTC+2.
  CHECK(domain::format_dutch_datetime(utc(2026, 7, 1, 8, 5)) == "1 juli 2026 om 10:05");
  // New year's night, local date and year.
  CHECK(domain::format_dutch_datetime(utc(2026, 12, 31, 23, 30)) == "1 januari 2027 om 00:30");
  CHECK(domain::format_dutch_datetime(utc(2026, 3, 15, 13, 0)) == "15 maart 2026 om 14:00");
  CHECK(domain::format_dutch_datetime(utc(2026, 5, 3, 22, 0)) == "4 mei 2026 om 00:00");
}

TEST_CASE("dates YYYY-MM-DD parse only when the day exists", "[calendar][retention]") {
  using namespace std::chrono;
  REQUIRE(domain::parse_date("2026-02-28") == year_month_day{year{2026}, month{2}, day{28}});
  REQUIRE(domain::parse_date("2028-02-29") == year_month_day{year{2028}, month{2}, day{29}});
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01", "2026-01-01x", "", "2026/01/01"})
    REQUIRE_FALSE(domain::parse_date(bad));
}

TEST_CASE("the retention cut-off is local midnight a number of calendar months back", "[calendar][retention]") {
  // 15 July 2026, 10:00 Amsterdam (summer time) → 15 January 2026, 00:00 Amsterdam (winter time, UTC+1).
  REQUIRE(domain::months_before(utc(2026, 7, 15, 8), 6) == utc(2026, 1, 14, 23));
  // 31 March → 30 November and 28 February: the month's last day.
  REQUIRE(domain::months_before(utc(2026, 3, 31, 12), 4) == utc(2025, 11, 29, 23));
  REQUIRE(domain::months_before(utc(2026, 3, 31, 12), 1) == utc(2026, 2, 27, 23));
  // 00:30 on 1 May in Amsterdam is still 30 April in UTC: the local date counts.
  REQUIRE(domain::months_before(utc(2026, 4, 30, 22, 30), 12) == utc(2025, 4, 30, 22));
}
