#pragma once
// Monthly statistics as PRODUCT.md defines them ("Monthly statistics"): the figures of one
// month, the range and filters a manager asks for, and the rules for reading that request.
//
// Per calendar month in Europe/Amsterdam:
//   received    reports submitted in the month;
//   decided     reports the team moved out of `new` for the first time in the month;
//   resolved, wont_fix, rejected, duplicates
//               transitions into that status in the month (a report reopened and closed again
//               counts again); resolved also by outcome;
//   open_at_end reports submitted by the end of the month and not in a closed state then;
//   median_days_to_decision  over the reports decided in the month, submission → first decision;
//   median_days_to_close     over the transitions into a closed state in the month,
//                            submission → that transition (fractional days; none when empty).
// The breakdowns count by the reporter's department, the report's (current) owning department
// and the category. The store keeps these figures; see sql/0004_statistics.sql.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/report.hpp"

namespace rodeknop::domain {

/// The counters that every breakdown has.
struct stats_counts {
  std::int64_t received = 0;
  std::int64_t decided = 0;
  std::int64_t resolved = 0;
  std::int64_t wont_fix = 0;
  std::int64_t rejected = 0;
  std::int64_t duplicates = 0;

  /// Transitions into any closed state (resolved, wont_fix, rejected, duplicate).
  std::int64_t closed() const { return resolved + wont_fix + rejected + duplicates; }
  stats_counts& operator+=(const stats_counts& o);
  friend bool operator==(const stats_counts&, const stats_counts&) = default;
};

inline constexpr std::size_t outcome_count = std::size(outcomes);

/// The figures of one month.
struct month_stats {
  year_month month;
  stats_counts total;
  std::int64_t open_at_end = 0;
  std::optional<double> median_days_to_decision;
  std::optional<double> median_days_to_close;
  std::map<std::string, stats_counts, std::less<>> by_department;        // reporter's department
  std::map<std::string, stats_counts, std::less<>> by_owner_department;  // reports with an owning department
  std::map<std::string, stats_counts, std::less<>> by_category;
  std::array<std::int64_t, outcome_count> by_outcome{};     // in the order of domain::outcomes
};

/// At most this many months in one request (ten years).
inline constexpr int max_stats_months = 120;

/// What a manager asks for: an inclusive range of months and optional filters on the
/// reporter's department and the category (empty: all).
struct stats_query {
  year_month from;
  year_month to;
  std::string department;
  std::string category;
};

/// Number of months from `from` to `to` inclusive (≤ 0 when `to` is before `from`).
int months_in_range(year_month from, year_month to);
/// `m` moved by `n` months (n may be negative).
year_month add_months(year_month m, int n);

/// Reads the range from the optional texts of `from` and `to` ("YYYY-MM"). Absent both: the
/// twelve months up to and including `current`; absent `from`: twelve months up to `to`; absent
/// `to`: twelve months from `from`, but not past `current` (unless `from` itself is later).
/// Problems go into `errors` (field → English message) and the result is then unusable.
stats_query read_stats_range(const std::string* from, const std::string* to, year_month current,
                             std::map<std::string, std::string>& errors);

/// Dutch label of an outcome ("Regel afgeschaft"), as /api/v1/meta gives it.
std::string_view outcome_label_nl(std::string_view outcome);

/// The median of sorted values (the mean of the middle two for an even count), in days.
std::optional<double> median_days(const std::vector<std::int64_t>& sorted_seconds);

}  // namespace rodeknop::domain
