// Week and month parsing, and the Europe/Amsterdam calendar behind them: the `week=YYYY-Www`
// and `from`/`to=YYYY-MM` query values (domain::parse_iso_week, parse_year_month), RFC 3339
// times (parse_rfc3339), and the ranges they stand for.
#include <chrono>
#include <cstring>

#include "fuzz_support.hpp"
#include "rodeknop/domain/calendar.hpp"

namespace domain = rodeknop::domain;
namespace chr = std::chrono;

namespace {

void check_week(const domain::iso_week& w) {
  FUZZ_REQUIRE(w.week >= 1 && w.week <= domain::weeks_in_iso_year(w.year));
  const auto text = domain::format_iso_week(w);
  const auto again = domain::parse_iso_week(text);
  FUZZ_REQUIRE(again && *again == w);
  const auto range = domain::week_range(w);
  const auto length = range.end - range.begin;
  // Seven days, one hour less or more in the weeks of the clock changes.
  FUZZ_REQUIRE(length >= chr::hours(167) && length <= chr::hours(169));
  FUZZ_REQUIRE(domain::amsterdam_week(range.begin) == w);
  FUZZ_REQUIRE(domain::amsterdam_week(range.end - chr::seconds(1)) == w);
  FUZZ_REQUIRE(domain::to_amsterdam(range.begin).time_of_day.to_duration() == chr::seconds(0));
}

// The week view's neighbours: previous and next week, also over year ends and week 53.
void check_week_navigation(const domain::iso_week& w) {
  const auto next = domain::next_week(w);
  const auto previous = domain::previous_week(w);
  FUZZ_REQUIRE(domain::previous_week(next) == w);
  FUZZ_REQUIRE(domain::next_week(previous) == w);
  FUZZ_REQUIRE(domain::week_range(next).begin == domain::week_range(w).end);
  FUZZ_REQUIRE(domain::week_range(previous).end == domain::week_range(w).begin);
  FUZZ_REQUIRE(next.week >= 1 && next.week <= domain::weeks_in_iso_year(next.year));
}

void check_month(const domain::year_month& m) {
  FUZZ_REQUIRE(m.month >= 1 && m.month <= 12);
  const auto again = domain::parse_year_month(domain::format_year_month(m));
  FUZZ_REQUIRE(again && *again == m);
  const auto range = domain::month_range(m);
  FUZZ_REQUIRE(range.begin < range.end);
  FUZZ_REQUIRE(domain::amsterdam_month(range.begin) == m);
  FUZZ_REQUIRE(domain::amsterdam_month(range.end - chr::seconds(1)) == m);
  FUZZ_REQUIRE(domain::month_range(domain::next_month(m)).begin == range.end);
}

void check_instant(domain::sys_seconds t) {
  const auto text = domain::format_rfc3339(t);
  const auto again = domain::parse_rfc3339(text);
  FUZZ_REQUIRE(again && *again == t);
  const auto offset = domain::amsterdam_offset(t);
  FUZZ_REQUIRE(offset == chr::hours(1) || offset == chr::hours(2));
  const auto w = domain::amsterdam_week(t);
  const auto range = domain::week_range(w);
  FUZZ_REQUIRE(range.begin <= t && t < range.end);
  const auto m = domain::amsterdam_month(t);
  const auto mr = domain::month_range(m);
  FUZZ_REQUIRE(mr.begin <= t && t < mr.end);
  FUZZ_REQUIRE(!domain::format_dutch_datetime(t).empty());
  FUZZ_REQUIRE(domain::whole_days_between(t, t) == 0);
  FUZZ_REQUIRE(domain::whole_days_between(t, t + chr::hours(24)) == 1);
  FUZZ_REQUIRE(domain::whole_days_between(t + chr::hours(24), t) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz_bytes(data, size);
  if (const auto w = domain::parse_iso_week(text)) {
    check_week(*w);
    check_week_navigation(*w);
  }
  if (const auto m = domain::parse_year_month(text)) check_month(*m);
  if (const auto t = domain::parse_rfc3339(text)) {
    // Times the product can meet: 1970 to 9998 (parse_rfc3339 may accept more).
    const auto s = t->time_since_epoch().count();
    if (s >= 0 && s < 253370764800) check_instant(*t);
  }
  // The first eight bytes as an instant, for the calendar arithmetic itself.
  if (size >= 8) {
    std::int64_t raw = 0;
    std::memcpy(&raw, data, sizeof raw);
    const std::int64_t span = 253370764800;  // 1970-01-01 .. 9998-12-31
    const auto s = ((raw % span) + span) % span;
    check_instant(domain::sys_seconds{chr::seconds{s}});
  }
  return 0;
}
