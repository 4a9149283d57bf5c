#pragma once
// Time as the municipality counts it: ISO weeks and calendar months in Europe/Amsterdam
// local time, whatever the server's own time zone. Times are stored as UTC seconds.
//
// Europe/Amsterdam follows the EU rule since 1996: CET (UTC+1), and CEST (UTC+2) from the
// last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC. The rule is coded
// here rather than read from the system's tzdata so that results never depend on the host.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rodeknop::domain {

using sys_seconds = std::chrono::sys_seconds;

/// The wall-clock time in Europe/Amsterdam for a UTC instant.
struct local_time {
  std::chrono::year_month_day date;
  std::chrono::hh_mm_ss<std::chrono::seconds> time_of_day;
  std::chrono::seconds utc_offset;
};

/// UTC offset in force in Europe/Amsterdam at instant t (+1 h or +2 h).
std::chrono::seconds amsterdam_offset(sys_seconds t);

local_time to_amsterdam(sys_seconds t);

/// The UTC instant at which the given local date begins (00:00 Europe/Amsterdam).
sys_seconds amsterdam_midnight(std::chrono::year_month_day date);

/// "YYYY-MM-DD" → the date; nullopt when malformed or no such day.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

/// The start (00:00 Europe/Amsterdam) of the day `months` calendar months before t's local
/// date (the 31st becomes the month's last day): data retention's cut-off.
sys_seconds months_before(sys_seconds t, int months);

struct iso_week {
  int year = 0;
  unsigned week = 0;  // 1..53
  friend bool operator==(const iso_week&, const iso_week&) = default;
};

struct year_month {
  int year = 0;
  unsigned month = 0;  // 1..12
  friend auto operator<=>(const year_month&, const year_month&) = default;
};

/// A half-open range [begin, end) of UTC instants.
struct time_range {
  sys_seconds begin;
  sys_seconds end;
};

iso_week iso_week_of(std::chrono::year_month_day date);
/// The ISO week of instant t in Europe/Amsterdam.
iso_week amsterdam_week(sys_seconds t);
/// The number of ISO weeks (52 or 53) in an ISO week-numbering year.
unsigned weeks_in_iso_year(int iso_year);
/// "2026-W05" → week; nullopt for anything malformed (strictly four digits, "-W", two digits)
/// or a week the year does not have (2026-W54, 2025-W53, W00).
std::optional<iso_week> parse_iso_week(std::string_view text);
/// The weeks before and after (over year ends, including week 53).
iso_week previous_week(iso_week w);
iso_week next_week(iso_week w);
/// Whether a week lies in the years the program takes (1970 to 9998), as parse_iso_week does.
bool week_supported(iso_week w);
std::string format_iso_week(iso_week w);
/// Monday 00:00 to next Monday 00:00, Europe/Amsterdam, as UTC instants.
time_range week_range(iso_week w);

year_month amsterdam_month(sys_seconds t);
/// "2026-04" → month; nullopt for anything malformed.
std::optional<year_month> parse_year_month(std::string_view text);
std::string format_year_month(year_month m);
/// First of the month 00:00 to the first of the next month 00:00, Europe/Amsterdam.
time_range month_range(year_month m);
year_month next_month(year_month m);

/// Whole days from `from` to `to` (floor of the elapsed time; 0 when `to` is not later).
std::int64_t whole_days_between(sys_seconds from, sys_seconds to);

/// The calendar year in Europe/Amsterdam at instant t.
int amsterdam_year(sys_seconds t);

/// "2026-11-23T09:15:00Z".
std::string format_rfc3339(sys_seconds t);
/// Accepts "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM" (fractions ignored).
std::optional<sys_seconds> parse_rfc3339(std::string_view text);
/// "23 november 2026, 10:15" in Europe/Amsterdam, for pages.
std::string format_dutch_datetime(sys_seconds t);

sys_seconds now();

}  // namespace rodeknop::domain
