// ISO weeks in Europe/Amsterdam as the triage view uses them: strict parsing, navigation over
// year ends and week 53, and week boundaries across daylight-saving weekends.
#include <catch2/catch.hpp>

#include "rodeknop/domain/calendar.hpp"
#include "unit_support.hpp"

namespace domain = rodeknop::domain;
namespace chr = std::chrono;
using rk_unit::utc;
using W = domain::iso_week;

TEST_CASE("parse_iso_week is strict", "[calendar][week][parse]") {
  CHECK(domain::parse_iso_week("2026-W53") == W{2026, 53});
  CHECK(domain::parse_iso_week("2020-W53") == W{2020, 53});
  CHECK(domain::parse_iso_week("2015-W53") == W{2015, 53});
  for (const char* bad : {"2026-w05", "2026-W54", "2025-W53", "2021-W53", "2024-W53", "2026-W00", "2026-W5",
                          "2026W05", "2026-W05-1", "2026-05", "9999-W01", "1969-W01", "２０２６-W01", "2026-W0５"}) {
    INFO(bad);
    CHECK_FALSE(domain::parse_iso_week(bad).has_value());
  }
}

TEST_CASE("previous_week and next_week step over year ends and week 53", "[calendar][week]") {
  CHECK(domain::next_week(W{2026, 52}) == W{2026, 53});
  CHECK(domain::next_week(W{2026, 53}) == W{2027, 1});
  CHECK(domain::previous_week(W{2027, 1}) == W{2026, 53});
  CHECK(domain::next_week(W{2025, 52}) == W{2026, 1});
  CHECK(domain::previous_week(W{2026, 1}) == W{2025, 52});
  CHECK(domain::previous_week(W{2021, 1}) == W{2020, 53});
  CHECK(domain::next_week(W{2020, 53}) == W{2021, 1});
  CHECK(domain::next_week(W{2026, 17}) == W{2026, 18});
  // The weeks the program takes end where parse_iso_week's do: navigation stops there.
  CHECK(domain::week_supported(W{1970, 1}));
  CHECK_FALSE(domain::week_supported(domain::previous_week(W{1970, 1})));
  CHECK(domain::week_supported(W{9998, 53}));
  CHECK_FALSE(domain::week_supported(domain::next_week(W{9998, 53})));  // 9998 has 53 weeks
  CHECK(domain::parse_iso_week("9998-W53"));
  CHECK_FALSE(domain::parse_iso_week("9999-W01"));
  // Walking a whole year forward and back ends where it began, over every boundary.
  W w{2019, 50};
  for (int i = 0; i < 400; ++i) {
    const auto n = domain::next_week(w);
    CHECK(domain::week_range(n).begin == domain::week_range(w).end);
    CHECK(domain::previous_week(n) == w);
    w = n;
  }
}

TEST_CASE("31 December and 1 January belong to the ISO week of their Thursday", "[calendar][week]") {
  // 2026-01-01 is a Thursday: week 1 of 2026 starts on Monday 29 December 2025.
  CHECK(domain::amsterdam_week(utc(2025, 12, 29, 12)) == W{2026, 1});
  CHECK(domain::amsterdam_week(utc(2025, 12, 31, 12)) == W{2026, 1});
  // 2026-12-31 is a Thursday of week 53; 2027-01-01 (Friday) is still week 53 of 2026.
  CHECK(domain::amsterdam_week(utc(2026, 12, 31, 12)) == W{2026, 53});
  CHECK(domain::amsterdam_week(utc(2027, 1, 1, 12)) == W{2026, 53});
  CHECK(domain::amsterdam_week(utc(2027, 1, 3, 22, 59)) == W{2026, 53});  // Sunday 23:59 local
  CHECK(domain::amsterdam_week(utc(2027, 1, 3, 23, 0)) == W{2027, 1});    // Monday 00:00 local
  // 2021-01-01 (Friday) lies in 2020-W53.
  CHECK(domain::amsterdam_week(utc(2021, 1, 1, 12)) == W{2020, 53});
  CHECK(domain::amsterdam_week(utc(2020, 12, 31, 12)) == W{2020, 53});
  // New year's night in Amsterdam while UTC is still in the old year.
  CHECK(domain::amsterdam_week(utc(2023, 12, 31, 23, 30)) == W{2024, 1});
}

TEST_CASE("week ranges across daylight-saving weekends", "[calendar][week][dst]") {
  // 2020-W13 contains the spring switch (29 March 2020): 167 hours.
  auto r = domain::week_range({2020, 13});
  CHECK(r.begin == utc(2020, 3, 22, 23));
  CHECK(r.end == utc(2020, 3, 29, 22));
  // 2020-W44 contains the autumn switch (25 October 2020): 169 hours.
  r = domain::week_range({2020, 44});
  CHECK(r.begin == utc(2020, 10, 25, 23));  // Monday 26 October 00:00 CET, the week after the switch
  // The week that holds the switch is W43: Monday 19 to Sunday 25 October.
  r = domain::week_range({2020, 43});
  CHECK(r.end - r.begin == chr::hours{169});
  // An instant just before and after local midnight on the Monday after a switch.
  CHECK(domain::amsterdam_week(utc(2026, 3, 29, 21, 59)) == W{2026, 13});  // Sunday 23:59 CEST
  CHECK(domain::amsterdam_week(utc(2026, 3, 29, 22, 0)) == W{2026, 14});   // Monday 00:00 CEST
  CHECK(domain::amsterdam_week(utc(2026, 10, 25, 22, 59)) == W{2026, 43});  // Sunday 23:59 CET
  CHECK(domain::amsterdam_week(utc(2026, 10, 25, 23, 0)) == W{2026, 44});   // Monday 00:00 CET
  // Week 53 of 2026 runs Monday 28 December to Monday 4 January, local midnights.
  r = domain::week_range({2026, 53});
  CHECK(r.begin == utc(2026, 12, 27, 23));
  CHECK(r.end == utc(2027, 1, 3, 23));
}

TEST_CASE("whole_days_between counts full days and never goes negative", "[calendar][days]") {
  CHECK(domain::whole_days_between(utc(2026, 11, 1), utc(2026, 11, 23)) == 22);
  CHECK(domain::whole_days_between(utc(2026, 11, 1), utc(2026, 11, 1, 23, 59)) == 0);
  CHECK(domain::whole_days_between(utc(2026, 11, 2), utc(2026, 11, 1)) == 0);
}
