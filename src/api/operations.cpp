#include "rodeknop/api/operations.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>

#include "rodeknop/domain/report.hpp"
#include "rodeknop/domain/workflow.hpp"
#include "rodeknop/log.hpp"
#include "rodeknop/store/reports.hpp"

namespace rodeknop::api {

namespace net = boost::asio;
using nlohmann::json;

namespace {

template <std::size_t N>
json string_array(const std::string_view (&list)[N]) {
  json out = json::array();
  for (auto s : list) out.push_back(s);
  return out;
}

json entries(const std::vector<store::list_entry>& list) {
  json out = json::array();
  for (const auto& e : list) out.push_back({{"key", e.key}, {"label", e.label}});
  return out;
}

json submission_limits() {
  json out = json::object();
  for (const auto& [field, limit] : domain::submission_limits) out[std::string(field)] = limit;
  return out;
}

json status_labels() {
  json out = json::object();
  for (auto st : domain::statuses) out[std::string(st)] = domain::status_label_nl(st);
  return out;
}

net::awaitable<http::response> meta(services& s) {
  const auto catalog = s.catalog();
  json transitions = json::object();
  for (const auto& [from, to] : domain::transitions()) transitions[from] = to;
  co_return http::json_response(
      http::status::ok,
      {{"departments", entries(catalog->departments)},
       {"categories", entries(catalog->categories)},
       // Deactivated entries, so that old reports that carry them still read well.
       {"former_departments", entries(catalog->former_departments)},
       {"former_categories", entries(catalog->former_categories)},
       {"statuses", string_array(domain::statuses)},
       {"closed_statuses", string_array(domain::closed_statuses)},
       {"priorities", string_array(domain::priorities)},
       {"outcomes", string_array(domain::outcomes)},
       {"transitions", transitions},
       {"labels",
        {{"statuses", status_labels()},
         {"priorities", {{"low", "Laag"}, {"normal", "Normaal"}, {"high", "Hoog"}, {"urgent", "Urgent"}}},
         {"outcomes",
          {{"rule_abolished", "Regel afgeschaft"},
           {"rule_changed", "Regel of beleid aangepast"},
           {"procedure_changed", "Werkwijze aangepast"},
           {"room_within_rules", "Ruimte binnen de regels"},
           {"tailored_solution", "Maatwerk"},
           {"explained", "Uitgelegd, regel blijft"}}}}},
       {"limits", submission_limits()},
       {"reply_limits", {{"body", domain::field_limits::reply_body}}},
       {"team_limits",
        {{"note", domain::team_limits::note},
         {"assignee", domain::team_limits::assignee},
         {"comment", domain::team_limits::comment}}}});
}

// The last time the database answered, in steady-clock milliseconds: /healthz asks the
// database at most once a second, so a probe storm costs no database work.
std::atomic<std::int64_t> last_healthy_ms{-1000000};

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

net::awaitable<http::response> healthz(services& s) {
  static const std::string ok_body = R"({"status":"ok"})";
  const auto now = steady_ms();
  const auto ok = [&] {
    http::response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = ok_body;
    return res;
  };
  if (now - last_healthy_ms.load(std::memory_order_relaxed) < 1000) co_return ok();
  try {
    auto conn = s.readers.acquire();
    if (store::ping(*conn)) {
      last_healthy_ms.store(now, std::memory_order_relaxed);
      co_return ok();
    }
  } catch (const std::exception& e) {
    log::event(log::level::warn, "health_check_failed", {{"error", e.what()}});
  }
  auto res = http::json_response(http::status::service_unavailable,
                                 {{"status", "unavailable"},
                                  {"error", {{"code", "storage_unavailable"},
                                             {"message", "the database does not answer"},
                                             {"fields", json::object()}}}});
  res.set(http::field::retry_after, "5");
  co_return res;
}

net::awaitable<http::response> prometheus(services& s) {
  // Every status, with 0 where no report has it, so that a series never disappears.
  std::vector<std::pair<std::string, std::int64_t>> by_status;
  for (auto st : domain::statuses) by_status.emplace_back(st, 0);
  {
    auto conn = s.readers.acquire();
    for (const auto& [status, n] : store::count_by_status(*conn)) {
      auto it = std::find_if(by_status.begin(), by_status.end(), [&](const auto& e) { return e.first == status; });
      if (it == by_status.end())
        by_status.emplace_back(status, n);
      else
        it->second = n;
    }
  }
  http::response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = s.stats.render(s.writer.stats(), s.server, by_status, s.events.open_streams(), s.search.lag());
  res.prepare_payload();
  co_return res;
}

}  // namespace

void register_operations_routes(http::router& r, services& s) {
  r.add(http::verb::get, "/api/v1/meta", auth::access::anyone, [&s](http::request_context&) { return meta(s); });
  r.add(http::verb::get, "/healthz", auth::access::anyone, [&s](http::request_context&) { return healthz(s); });
  r.add(http::verb::get, "/metrics", auth::access::anyone, [&s](http::request_context&) { return prometheus(s); });
}

}  // namespace rodeknop::api
