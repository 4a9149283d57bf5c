#include "rodeknop/web/stats_page.hpp"

#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rodeknop/api/stats.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/domain/stats.hpp"
#include "rodeknop/web/login_pages.hpp"
#include "rodeknop/web/pages.hpp"

namespace rodeknop::web {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::array<const char*, 12> month_names{"januari", "februari", "maart",     "april",   "mei",      "juni",
                                                  "juli",    "augustus", "september", "oktober", "november", "december"};
constexpr std::array<const char*, 12> month_short{"jan", "feb", "mrt", "apr", "mei", "jun",
                                                  "jul", "aug", "sep", "okt", "nov", "dec"};

std::string month_label(domain::year_month m) {
  return std::string(month_names[m.month - 1]) + " " + std::to_string(m.year);
}

std::string month_short_label(domain::year_month m) {
  return std::string(month_short[m.month - 1]) + " " + std::to_string(m.year);
}

// "3,5" (one decimal, Dutch decimal comma), or "–" when there is nothing to measure.
std::string days_nl(const std::optional<double>& d) {
  if (!d) return "–";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *d);
  std::string s = buf;
  for (auto& c : s)
    if (c == '.') c = ',';
  return s;
}

// The machine value for the charts ("3.52"), empty when undefined.
std::string days_value(const std::optional<double>& d) {
  if (!d) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *d);
  return buf;
}

// "12.345": thousands with a point, as Dutch readers expect.
std::string count_nl(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back('.');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string query_escape(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

using breakdown_map = std::map<std::string, domain::stats_counts, std::less<>>;

// One breakdown (reporter's department, owning department or category) summed over the months.
breakdown_map period_sum(const std::vector<domain::month_stats>& months, breakdown_map domain::month_stats::*by) {
  breakdown_map sum;
  for (const auto& m : months)
    for (const auto& [key, counts] : m.*by) sum[key] += counts;
  return sum;
}

bool any(const domain::stats_counts& c) {
  return c != domain::stats_counts{};
}

domain::stats_counts minus(domain::stats_counts a, const domain::stats_counts& b) {
  a.received -= b.received;
  a.decided -= b.decided;
  a.resolved -= b.resolved;
  a.wont_fix -= b.wont_fix;
  a.rejected -= b.rejected;
  a.duplicates -= b.duplicates;
  return a;
}

// The cells of one row of a breakdown table: the machine value for the chart, the Dutch text.
json counts_json(std::string_view key, std::string label, const domain::stats_counts& c) {
  json row = {{"key", key}, {"label", std::move(label)}};
  const auto put = [&row](const char* name, std::int64_t n) {
    row[name] = n;
    row[std::string(name) + "_nl"] = count_nl(n);
  };
  put("received", c.received);
  put("decided", c.decided);
  put("closed", c.closed());
  put("resolved", c.resolved);
  put("wont_fix", c.wont_fix);
  put("rejected", c.rejected);
  put("duplicates", c.duplicates);
  return row;
}

// The rows of a breakdown over the period, in the administrator's order: every active entry
// (zeros included, so that a dienst without reports is seen to have none), then former entries
// with figures under the label the catalogue keeps for them, then any key the catalogue does not
// know (only a database edited by hand has those) under its key. `none_label`, when given, adds
// a row for what the breakdown leaves out (reports without an owning department), so that every
// column adds up to the total of the period.
json breakdown_rows(const breakdown_map& sums, const std::vector<store::list_entry>& active,
                    const std::vector<store::list_entry>& former, const domain::stats_counts& total,
                    const char* none_label) {
  json rows = json::array();
  std::set<std::string, std::less<>> shown;
  domain::stats_counts listed;
  const auto counts_of = [&sums](std::string_view key) {
    const auto it = sums.find(key);
    return it == sums.end() ? domain::stats_counts{} : it->second;
  };
  for (const auto& e : active) {
    const auto c = counts_of(e.key);
    rows.push_back(counts_json(e.key, e.label, c));
    listed += c;
    shown.insert(e.key);
  }
  for (const auto& e : former) {
    const auto c = counts_of(e.key);
    if (shown.contains(e.key) || !any(c)) continue;
    rows.push_back(counts_json(e.key, e.label + " (niet meer in gebruik)", c));
    listed += c;
    shown.insert(e.key);
  }
  for (const auto& [key, c] : sums) {
    if (shown.contains(key) || !any(c)) continue;
    rows.push_back(counts_json(key, key, c));
    listed += c;
  }
  if (none_label) rows.push_back(counts_json("", none_label, minus(total, listed)));
  return rows;
}

json breakdown_json(std::string id, std::string title, std::string caption, std::string first_column, json rows,
                    const domain::stats_counts& total) {
  const auto count = rows.size();
  return {{"id", std::move(id)},
          {"title", std::move(title)},
          {"caption", std::move(caption)},
          {"first_column", std::move(first_column)},
          {"row_count", count},
          {"rows", std::move(rows)},
          {"total", counts_json("", "Totaal", total)}};
}

// The Dutch message for a field the API refused, from its English reason (domain::read_stats_range):
// the format and range of a month, or which rule of the period was broken.
std::string message_nl(const std::string& field, const std::string& english) {
  const auto has = [&english](std::string_view s) { return english.find(s) != std::string::npos; };
  if ((field == "from" || field == "to") && has("YYYY-MM"))
    return std::string("Schrijf de ") + (field == "from" ? "beginmaand" : "eindmaand") + " als jjjj-mm, bijvoorbeeld " +
           (field == "from" ? "2026-01" : "2026-12") + ". Kies een maand van 1970-01 tot en met 9998-12.";
  if (field == "to" && has("before")) return "De eindmaand ligt voor de beginmaand. Kies een eindmaand die niet voor de beginmaand ligt.";
  if (field == "to" && has("longer"))
    return "De periode is langer dan tien jaar. Kies een periode van hoogstens " +
           std::to_string(domain::max_stats_months) + " maanden.";
  if (field == "from") return "Kies een geldige beginmaand.";
  if (field == "to") return "Kies een geldige eindmaand.";
  if (field == "department") return "Kies een dienst uit de lijst.";
  if (field == "category") return "Kies een categorie uit de lijst.";
  return "Deze keuze is niet geldig.";
}

net::awaitable<http::response> stats_page(services& s, store::median_cache& cache, http::request_context& ctx) {
  const auto catalog = s.catalog();
  const auto current = domain::amsterdam_month(domain::now());
  api::stats_request request;
  json errors = json::array();
  json error = json::object();
  try {
    request = api::read_stats_request(ctx, *catalog, current);
  } catch (const http::api_error& e) {
    for (const auto& [field, what] : e.fields) {
      errors.push_back({{"field", field}, {"message", message_nl(field, what)}});
      error[field] = message_nl(field, what);
    }
    // Show the default period with the problems listed above it.
    std::map<std::string, std::string> ignored;
    request.query = domain::read_stats_range(nullptr, nullptr, current, ignored);
  }
  const auto& q = request.query;

  auto job = [&](store::connection& c) {
    auto months = store::monthly_stats(c, q, api::breakdown_keys(*catalog), &cache);
    return std::pair{std::move(months), store::range_medians(c, q, &cache)};
  };
  const auto figures = co_await s.query(std::move(job));
  const auto& months = figures.first;
  const auto& period = figures.second;

  domain::stats_counts total;
  std::array<std::int64_t, domain::outcome_count> outcomes{};
  const auto this_month = domain::amsterdam_month(domain::now());
  json rows = json::array();
  for (const auto& m : months) {
    total += m.total;
    json outcome_cells = json::array();
    for (std::size_t o = 0; o < domain::outcome_count; ++o) {
      outcomes[o] += m.by_outcome[o];
      outcome_cells.push_back({{"count", m.by_outcome[o]}, {"count_nl", count_nl(m.by_outcome[o])}});
    }
    // The month still running is marked: its figures are not final yet. A month to come has no
    // backlog at its end yet (the API gives today's; the page shows none).
    const bool running = m.month == this_month;
    const bool to_come = m.month > this_month;
    // The same words in the tables and the charts' axes.
    const std::string marker = running ? " (tot nu toe)" : to_come ? " (nog niet begonnen)" : "";
    rows.push_back({{"month", domain::format_year_month(m.month)},
                    {"label", month_label(m.month) + marker},
                    {"short", month_short_label(m.month) + marker},
                    {"received", m.total.received},
                    {"received_nl", count_nl(m.total.received)},
                    {"decided", m.total.decided},
                    {"decided_nl", count_nl(m.total.decided)},
                    {"closed", m.total.closed()},
                    {"closed_nl", count_nl(m.total.closed())},
                    {"open_at_end", to_come ? json("") : json(m.open_at_end)},
                    {"open_at_end_nl", to_come ? std::string("–") : count_nl(m.open_at_end)},
                    {"median_decision", days_value(m.median_days_to_decision)},
                    {"median_decision_nl", days_nl(m.median_days_to_decision)},
                    {"median_close", days_value(m.median_days_to_close)},
                    {"median_close_nl", days_nl(m.median_days_to_close)},
                    {"outcomes", std::move(outcome_cells)}});
  }
  json outcome_heads = json::array();
  for (std::size_t o = 0; o < domain::outcome_count; ++o)
    outcome_heads.push_back({{"key", domain::outcomes[o]}, {"label", domain::outcome_label_nl(domain::outcomes[o])}});
  json outcome_totals = json::array();
  for (std::size_t o = 0; o < domain::outcome_count; ++o)
    outcome_totals.push_back({{"label", domain::outcome_label_nl(domain::outcomes[o])}, {"count_nl", count_nl(outcomes[o])}});

  std::string filters;
  if (!q.department.empty()) filters += "&department=" + query_escape(q.department);
  if (!q.category.empty()) filters += "&category=" + query_escape(q.category);
  const std::string base = "/api/v1/stats/monthly?from=" + domain::format_year_month(q.from) +
                           "&to=" + domain::format_year_month(q.to) + filters;
  std::string scope = "alle diensten en categorieën";
  if (!q.department.empty() || !q.category.empty()) {
    scope.clear();
    if (const auto* d = catalog->department_label(q.department)) scope = "meldingen uit " + *d;
    if (const auto* c = catalog->category_label(q.category))
      scope += (scope.empty() ? "categorie " : ", categorie ") + *c;
  }
  // The backlog at the end of the period: at the end of its last month that has begun (now, when
  // the period runs into months to come).
  std::int64_t last_open = 0;
  for (const auto& m : months)
    if (m.month <= this_month) last_open = m.open_at_end;
  // A period that has not begun has no backlog yet (the API's open_at_end there is today's): the
  // page says so instead of showing a figure. A period that runs into this month ends "now".
  const bool not_begun = q.from > this_month;
  const bool running_now = !not_begun && q.to >= this_month;

  // The period's figures per reporter's department, owning department and category.
  // One month is named once ("november 2026"), not "november 2026 tot en met november 2026".
  const auto period_label =
      q.from == q.to ? month_label(q.from) : month_label(q.from) + " tot en met " + month_label(q.to);
  json breakdowns = json::array();
  // `what` names the rows in a sentence ("per dienst van de melder"), `column` heads them.
  const auto add_breakdown = [&](const char* id, const std::string& what, const char* column,
                                 breakdown_map domain::month_stats::*by, const std::vector<store::list_entry>& active,
                                 const std::vector<store::list_entry>& former, const char* none_label) {
    breakdowns.push_back(breakdown_json(id, "Per " + what, "Meldingen per " + what + ", " + period_label, column,
                                        breakdown_rows(period_sum(months, by), active, former, total, none_label),
                                        total));
  };
  add_breakdown("department", "dienst van de melder", "Dienst van de melder", &domain::month_stats::by_department,
                catalog->departments, catalog->former_departments, nullptr);
  add_breakdown("owner", "dienst die over de regel gaat", "Dienst die over de regel gaat",
                &domain::month_stats::by_owner_department, catalog->departments, catalog->former_departments,
                "Nog geen dienst toegewezen");
  add_breakdown("category", "categorie", "Categorie", &domain::month_stats::by_category, catalog->categories,
                catalog->former_categories, nullptr);

  json data = {
      {"from", domain::format_year_month(q.from)},
      {"to", domain::format_year_month(q.to)},
      {"period_label", period_label},
      {"scope_label", scope},
      {"departments", list_options(catalog->departments, q.department, &catalog->former_departments)},
      {"categories", list_options(catalog->categories, q.category, &catalog->former_categories)},
      // Nothing to show: say so, rather than a page of zeros and empty charts.
      {"nothing_in_period", errors.empty() && !not_begun && total.received == 0 && total.decided == 0 &&
                                total.closed() == 0 && last_open == 0},
      {"not_begun", errors.empty() && not_begun},
      {"open_label", not_begun ? "Open aan het eind van de periode"
                     : running_now ? "Nu open (de periode loopt nog)"
                                   : "Open aan het eind van de periode"},
      {"filtered", !q.department.empty() || !q.category.empty()},
      {"has_errors", !errors.empty()},
      {"errors", errors},
      {"error", error},
      {"headline",
       {{"received", count_nl(total.received)},
        {"closed", count_nl(total.closed())},
        {"abolished_or_changed", count_nl(outcomes[0] + outcomes[1])},
        {"abolished", count_nl(outcomes[0])},
        {"changed", count_nl(outcomes[1])},
        {"open", not_begun ? std::string("–") : count_nl(last_open)},
        {"median_decision", days_nl(period.to_decision)},
        {"median_close", days_nl(period.to_close)}}},
      {"months", std::move(rows)},
      {"outcome_heads", std::move(outcome_heads)},
      {"outcome_totals", std::move(outcome_totals)},
      {"breakdowns", std::move(breakdowns)},
      {"csv_comma", base + "&format=csv"},
      {"csv_semicolon", base + "&format=csv&delimiter=semicolon&labels=nl"},
      {"json_url", base},
      {"user", ctx.who ? user_json(*ctx.who) : json(nullptr)},
  };
  // After a refusal the months stay in their fields as typed (the figures below are the default
  // period's, as the lead says).
  if (!errors.empty())
    for (const char* field : {"from", "to"})
      if (const auto* typed = ctx.query(field); typed && typed->size() <= 32) data[field] = *typed;
  auto res = http::html_response(errors.empty() ? http::status::ok : http::status::unprocessable_entity,
                                 s.templates.render("stats", data));
  res.set(http::field::cache_control, "no-store");
  co_return res;
}

}  // namespace

void register_stats_page(http::router& r, services& s, std::shared_ptr<store::median_cache> cache) {
  r.add(http::verb::get, "/stats", auth::access::read_statistics,
        [&s, cache](http::request_context& ctx) { return stats_page(s, *cache, ctx); });
}

}  // namespace rodeknop::web
