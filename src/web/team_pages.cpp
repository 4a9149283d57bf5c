#include "rodeknop/web/team_pages.hpp"

#include <array>

#include "rodeknop/domain/report.hpp"
#include "rodeknop/store/reports.hpp"
#include "rodeknop/store/triage.hpp"
#include "rodeknop/web/login_pages.hpp"
#include "rodeknop/web/pages.hpp"

namespace rodeknop::web {

namespace net = boost::asio;
using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 12> month_names_nl = {
    "januari", "februari", "maart",     "april",   "mei",      "juni",
    "juli",    "augustus", "september", "oktober", "november", "december"};

std::string day_month(const std::chrono::year_month_day& d) {
  return std::to_string(static_cast<unsigned>(d.day())) + " " +
         std::string(month_names_nl.at(static_cast<unsigned>(d.month()) - 1));
}

// "16 t/m 22 maart 2026", "30 maart t/m 5 april 2026", "29 december 2025 t/m 4 januari 2026".
std::string range_label(const std::chrono::year_month_day& first, const std::chrono::year_month_day& last) {
  const auto year = [](const std::chrono::year_month_day& d) { return std::to_string(static_cast<int>(d.year())); };
  if (first.year() != last.year()) return day_month(first) + " " + year(first) + " t/m " + day_month(last) + " " + year(last);
  if (first.month() != last.month()) return day_month(first) + " t/m " + day_month(last) + " " + year(last);
  return std::to_string(static_cast<unsigned>(first.day())) + " t/m " + day_month(last) + " " + year(last);
}

// What both team pages need of the logged-in member: the header's `user` (name, role, logout
// form) and whether to offer decisions (triagers and admins; managers only read).
void add_member(json& data, const http::request_context& ctx) {
  data["can_change"] = ctx.who && ctx.who->has(auth::access::change_reports) ? "true" : "false";
  if (ctx.who) data["user"] = user_json(*ctx.who);
}

// The filters of the queue as the query string has them (the form submits to /team itself);
// without a `status` the queue shows new reports.
json filters(const services& s, const http::request_context& ctx) {
  const auto value = [&ctx](std::string_view name) -> std::string {
    const auto* v = ctx.query(name);
    return v ? *v : std::string();
  };
  const auto* status_param = ctx.query("status");
  const std::string status = status_param ? *status_param : std::string("new");
  json statuses = json::array();
  for (const auto st : domain::statuses)
    statuses.push_back({{"key", st},
                        {"label", domain::status_label_nl(st)},
                        {"selected", st == status}});
  const auto catalog = s.catalog();
  return {{"status_all", status.empty()},
          {"statuses", statuses},
          {"departments", list_options(catalog->departments, value("department"), &catalog->former_departments)},
          {"categories", list_options(catalog->categories, value("category"), &catalog->former_categories)},
          {"q", value("q")}};
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return s.front() != '0';
}

}  // namespace

week_navigation navigation_for(domain::iso_week w) {
  using namespace std::chrono_literals;
  const auto range = domain::week_range(w);
  const auto monday = domain::to_amsterdam(range.begin).date;
  const auto sunday = domain::to_amsterdam(range.end - 12h).date;
  return {domain::format_iso_week(w),
          w.week,
          w.year,
          range_label(monday, sunday),
          domain::week_supported(domain::previous_week(w)) ? domain::format_iso_week(domain::previous_week(w)) : "",
          domain::week_supported(domain::next_week(w)) ? domain::format_iso_week(domain::next_week(w)) : ""};
}

void register_team_page_routes(http::router& r, services& s) {
  r.add(http::verb::get, "/team", auth::access::read_reports,
        [&s](http::request_context& ctx) -> net::awaitable<http::response> {
          const auto current = domain::amsterdam_week(domain::now());
          auto week = current;
          if (const auto* text = ctx.query("week"); text && !text->empty()) {
            const auto parsed = domain::parse_iso_week(*text);
            if (!parsed)
              co_return error_page(s, http::status::bad_request, "Deze week bestaat niet",
                                   "Een week schrijft u als jaar, W en weeknummer, bijvoorbeeld 2026-W05. Niet "
                                   "elk jaar heeft een week 53.",
                                   ctx.who ? &*ctx.who : nullptr);
            week = *parsed;
          }
          const auto nav = navigation_for(week);
          json data = {{"week", nav.week},
                             {"week_number", nav.number},
                             {"week_year", nav.year},
                             {"range", nav.range_nl},
                             {"previous_week", nav.previous},
                             {"next_week", nav.next},
                             {"this_week", domain::format_iso_week(current)},
                             {"is_this_week", week == current},
                             // A past week's lists are as they stood at its end (store::load_week).
                             {"is_past_week", domain::week_range(week).end <= domain::now()},
                             {"filters", filters(s, ctx)}};
          add_member(data, ctx);
          co_return http::html_response(http::status::ok, s.templates.render("team", data));
        });

  r.add(http::verb::get, "/team/reports/{id}", auth::access::read_reports,
        [&s](http::request_context& ctx) -> net::awaitable<http::response> {
          const auto id = ctx.param("id");
          bool exists = false;
          if (all_digits(id)) {
            auto conn = s.readers.acquire();
            exists = store::find_report(*conn, std::stoll(std::string(id))).has_value();
          } else if (const auto reference = store::parse_reference(id)) {
            // /team/reports/RK-2026-00012: the address a triager types from a reference.
            store::list_query q;
            q.reference = *reference;
            q.limit = 1;
            auto conn = s.readers.acquire();
            const auto page = store::list_reports(*conn, q);
            if (!page.items.empty())
              co_return http::redirect_response("/team/reports/" + std::to_string(page.items.front().id));
          }
          if (!exists)
            co_return error_page(s, http::status::not_found, "Melding niet gevonden",
                                 "Er is geen melding met dit nummer. Misschien is het adres niet compleet. Ga terug "
                                 "naar het weekoverleg en kies de melding daar.",
                                 ctx.who ? &*ctx.who : nullptr);
          json data = {{"id", id}};
          add_member(data, ctx);
          co_return http::html_response(http::status::ok, s.templates.render("team-report", data));
        });
}

}  // namespace rodeknop::web
