#include "rodeknop/domain/calendar.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace rodeknop::domain {

namespace chr = std::chrono;

namespace {

// The last Sunday of the given month, 01:00 UTC: the EU switch moment.
sys_seconds last_sunday_0100_utc(int year, unsigned month) {
  const chr::sys_days last{chr::year{year} / chr::month{month} / chr::last};
  const chr::weekday wd{last};
  const auto back = (wd - chr::Sunday);  // days since the last Sunday, 0..6
  return chr::sys_seconds{chr::sys_days{last - back}} + chr::hours{1};
}

bool parse_uint(std::string_view s, unsigned& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

bool parse_year(std::string_view s, int& out) {
  unsigned y = 0;
  if (s.size() != 4 || !parse_uint(s, y)) return false;
  out = static_cast<int>(y);
  return out >= 1970;
}

}  // namespace

chr::seconds amsterdam_offset(sys_seconds t) {
  const auto ymd = chr::year_month_day{chr::floor<chr::days>(t)};
  const int y = static_cast<int>(ymd.year());
  if (t >= last_sunday_0100_utc(y, 3) && t < last_sunday_0100_utc(y, 10)) return chr::hours{2};
  return chr::hours{1};
}

local_time to_amsterdam(sys_seconds t) {
  const auto offset = amsterdam_offset(t);
  const auto local = t + offset;
  const auto day = chr::floor<chr::days>(local);
  return {chr::year_month_day{day}, chr::hh_mm_ss<chr::seconds>{local - day}, offset};
}

sys_seconds amsterdam_midnight(chr::year_month_day date) {
  const sys_seconds local{chr::sys_days{date}};
  // Midnight is never inside a switch (they happen at 02:00/03:00 local), so one of the two
  // candidate offsets is consistent.
  const sys_seconds summer = local - chr::hours{2};
  if (amsterdam_offset(summer) == chr::hours{2}) return summer;
  return local - chr::hours{1};
}

iso_week iso_week_of(chr::year_month_day date) {
  const chr::sys_days d{date};
  const chr::weekday wd{d};
  const unsigned iso_wd = wd.iso_encoding();  // Monday 1 .. Sunday 7
  // The Thursday of this week decides the ISO year.
  const chr::sys_days thursday = d + chr::days{4 - static_cast<int>(iso_wd)};
  const chr::year_month_day th{thursday};
  const chr::sys_days jan1{th.year() / chr::January / 1};
  const auto ordinal = (thursday - jan1).count();  // 0-based day of the year
  return {static_cast<int>(th.year()), static_cast<unsigned>(ordinal / 7 + 1)};
}

iso_week amsterdam_week(sys_seconds t) { return iso_week_of(to_amsterdam(t).date); }

unsigned weeks_in_iso_year(int iso_year) {
  // 28 December always lies in the last ISO week of its year.
  return iso_week_of(chr::year{iso_year} / chr::December / 28).week;
}

std::optional<iso_week> parse_iso_week(std::string_view text) {
  // YYYY-Www
  if (text.size() != 8 || text[4] != '-' || text[5] != 'W') return std::nullopt;
  int y = 0;
  unsigned w = 0;
  if (!parse_year(text.substr(0, 4), y) || !parse_uint(text.substr(6, 2), w)) return std::nullopt;
  if (y > 9998 || w < 1 || w > weeks_in_iso_year(y)) return std::nullopt;
  return iso_week{y, w};
}

iso_week previous_week(iso_week w) {
  if (w.week > 1) return {w.year, w.week - 1};
  return {w.year - 1, weeks_in_iso_year(w.year - 1)};
}

bool week_supported(iso_week w) { return w.year >= 1970 && w.year <= 9998; }

iso_week next_week(iso_week w) {
  if (w.week < weeks_in_iso_year(w.year)) return {w.year, w.week + 1};
  return {w.year + 1, 1};
}

std::int64_t whole_days_between(sys_seconds from, sys_seconds to) {
  if (to <= from) return 0;
  return std::chrono::floor<std::chrono::days>(to - from).count();
}

std::string format_iso_week(iso_week w) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02u", w.year, w.week);
  return buf;
}

time_range week_range(iso_week w) {
  // Monday of week 1 is the Monday on or before 4 January.
  const chr::sys_days jan4{chr::year{w.year} / chr::January / 4};
  const unsigned iso_wd = chr::weekday{jan4}.iso_encoding();
  const chr::sys_days monday1 = jan4 - chr::days{iso_wd - 1};
  const chr::sys_days monday = monday1 + chr::days{7 * (static_cast<int>(w.week) - 1)};
  return {amsterdam_midnight(chr::year_month_day{monday}),
          amsterdam_midnight(chr::year_month_day{monday + chr::days{7}})};
}

year_month amsterdam_month(sys_seconds t) {
  const auto l = to_amsterdam(t);
  return {static_cast<int>(l.date.year()), static_cast<unsigned>(l.date.month())};
}

std::optional<year_month> parse_year_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0;
  if (!parse_year(text.substr(0, 4), y) || !parse_uint(text.substr(5, 2), m)) return std::nullopt;
  if (m < 1 || m > 12 || y > 9998) return std::nullopt;
  return year_month{y, m};
}

std::optional<chr::year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  if (!parse_year(text.substr(0, 4), y) || !parse_uint(text.substr(5, 2), m) || !parse_uint(text.substr(8, 2), d))
    return std::nullopt;
  const chr::year_month_day date{chr::year{y}, chr::month{m}, chr::day{d}};
  if (!date.ok()) return std::nullopt;
  return date;
}

sys_seconds months_before(sys_seconds t, int months) {
  auto target = to_amsterdam(t).date - chr::months{months};
  if (!target.ok()) target = target.year() / target.month() / chr::last;
  return amsterdam_midnight(target);
}

std::string format_year_month(year_month m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", m.year, m.month);
  return buf;
}

year_month next_month(year_month m) {
  return m.month == 12 ? year_month{m.year + 1, 1} : year_month{m.year, m.month + 1};
}

time_range month_range(year_month m) {
  const auto n = next_month(m);
  return {amsterdam_midnight(chr::year{m.year} / chr::month{m.month} / 1),
          amsterdam_midnight(chr::year{n.year} / chr::month{n.month} / 1)};
}

int amsterdam_year(sys_seconds t) { return static_cast<int>(to_amsterdam(t).date.year()); }

std::string format_rfc3339(sys_seconds t) {
  const auto day = chr::floor<chr::days>(t);
  const chr::year_month_day ymd{day};
  const chr::hh_mm_ss<chr::seconds> tod{t - day};
  char buf[48];  // 20 characters, but room for what GCC thinks the widest ints could print
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(tod.hours().count()), static_cast<long>(tod.minutes().count()),
                static_cast<long>(tod.seconds().count()));
  return buf;
}

std::optional<sys_seconds> parse_rfc3339(std::string_view s) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!parse_year(s.substr(0, 4), y) || !parse_uint(s.substr(5, 2), mo) || !parse_uint(s.substr(8, 2), d) ||
      !parse_uint(s.substr(11, 2), h) || !parse_uint(s.substr(14, 2), mi) || !parse_uint(s.substr(17, 2), se))
    return std::nullopt;
  const chr::year_month_day ymd{chr::year{y}, chr::month{mo}, chr::day{d}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  chr::seconds offset{0};
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    unsigned oh = 0, om = 0;
    if (!parse_uint(s.substr(i + 1, 2), oh) || !parse_uint(s.substr(i + 4, 2), om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = chr::hours{oh} + chr::minutes{om};
    if (s[i] == '-') offset = -offset;
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return sys_seconds{chr::sys_days{ymd}} + chr::hours{h} + chr::minutes{mi} + chr::seconds{se} - offset;
}

std::string format_dutch_datetime(sys_seconds t) {
  static constexpr std::array<const char*, 12> months{"januari", "februari", "maart",     "april",
                                                      "mei",     "juni",     "juli",      "augustus",
                                                      "september", "oktober", "november", "december"};
  const auto l = to_amsterdam(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%u %s %d om %02ld:%02ld", static_cast<unsigned>(l.date.day()),
                months[static_cast<unsigned>(l.date.month()) - 1], static_cast<int>(l.date.year()),
                static_cast<long>(l.time_of_day.hours().count()),
                static_cast<long>(l.time_of_day.minutes().count()));
  return buf;
}

sys_seconds now() { return chr::floor<chr::seconds>(chr::system_clock::now()); }

}  // namespace rodeknop::domain
