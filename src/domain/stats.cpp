#include "rodeknop/domain/stats.hpp"

#include <algorithm>

namespace rodeknop::domain {

stats_counts& stats_counts::operator+=(const stats_counts& o) {
  received += o.received;
  decided += o.decided;
  resolved += o.resolved;
  wont_fix += o.wont_fix;
  rejected += o.rejected;
  duplicates += o.duplicates;
  return *this;
}

int months_in_range(year_month from, year_month to) {
  return (to.year - from.year) * 12 + static_cast<int>(to.month) - static_cast<int>(from.month) + 1;
}

year_month add_months(year_month m, int n) {
  const int index = m.year * 12 + static_cast<int>(m.month) - 1 + n;
  const int year = index >= 0 ? index / 12 : (index - 11) / 12;
  return {year, static_cast<unsigned>(index - year * 12 + 1)};
}

stats_query read_stats_range(const std::string* from, const std::string* to, year_month current,
                             std::map<std::string, std::string>& errors) {
  stats_query q;
  std::optional<year_month> f, t;
  if (from) {
    f = parse_year_month(*from);
    if (!f) errors.emplace("from", "must be a month as YYYY-MM from 1970-01 to 9998-12, e.g. 2026-01");
  }
  if (to) {
    t = parse_year_month(*to);
    if (!t) errors.emplace("to", "must be a month as YYYY-MM from 1970-01 to 9998-12, e.g. 2026-12");
  }
  if (!errors.empty()) return q;
  if (!f && !t) t = current;
  if (!f) f = add_months(*t, -11);
  // Twelve months from `from`, but no months that have not begun (their figures are not known).
  if (!t) t = std::max(*f, std::min(add_months(*f, 11), current));
  const int n = months_in_range(*f, *t);
  if (n < 1)
    errors.emplace("to", "must not be before from");
  else if (n > max_stats_months)
    errors.emplace("to", "the range must not be longer than " + std::to_string(max_stats_months) + " months");
  q.from = *f;
  q.to = *t;
  return q;
}

std::optional<double> median_days(const std::vector<std::int64_t>& v) {
  if (v.empty()) return std::nullopt;
  const auto n = v.size();
  const double seconds = n % 2 == 1 ? static_cast<double>(v[n / 2])
                                    : (static_cast<double>(v[n / 2 - 1]) + static_cast<double>(v[n / 2])) / 2.0;
  return seconds / 86400.0;
}

std::string_view outcome_label_nl(std::string_view o) {
  if (o == "rule_abolished") return "Regel afgeschaft";
  if (o == "rule_changed") return "Regel of beleid aangepast";
  if (o == "procedure_changed") return "Werkwijze aangepast";
  if (o == "room_within_rules") return "Ruimte binnen de regels";
  if (o == "tailored_solution") return "Maatwerk";
  if (o == "explained") return "Uitgelegd, regel blijft";
  return o;
}

}  // namespace rodeknop::domain
