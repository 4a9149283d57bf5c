#include "rodeknop/api/stats.hpp"

#include <cmath>
#include <cstdio>
#include <mutex>

#include "rodeknop/api/input.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/http/compression.hpp"
#include "rodeknop/util/csv.hpp"

namespace rodeknop::api {

namespace net = boost::asio;
using nlohmann::json;

namespace {

json counts_json(const domain::stats_counts& c) {
  return {{"received", c.received},
          {"decided", c.decided},
          {"resolved", c.resolved},
          {"rejected", c.rejected},
          {"duplicates", c.duplicates}};
}

json breakdown_json(const std::map<std::string, domain::stats_counts, std::less<>>& m) {
  json out = json::object();
  for (const auto& [key, counts] : m) out[key] = counts_json(counts);
  return out;
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

bool accepts_csv(const http::request& req) { return http::prefers_csv(req[http::field::accept]); }

// Up to six decimals, trailing zeros dropped, with a decimal comma on request.
std::string decimal_text(double v, bool comma) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  if (comma)
    for (auto& ch : s)
      if (ch == '.') ch = ',';
  return s;
}

void decimal_cell(util::csv_writer& out, const std::optional<double>& v, char delimiter) {
  if (!v || !std::isfinite(*v)) {
    out.empty_cell();
    return;
  }
  if (delimiter == ',')
    out.cell(*v, 6);
  else
    out.cell(decimal_text(*v, true));
}


void counts_cells(util::csv_writer& out, const domain::stats_counts& c) {
  out.cell(c.received).cell(c.decided).cell(c.resolved).cell(c.wont_fix).cell(c.rejected).cell(c.duplicates);
}

// Rendered answers under the change counter they were computed at (store::stats_changes): an
// unchanged counter means unchanged figures, and the catalog they were labelled with is kept
// alive and compared, so a relabelled department never comes from here. Each is kept as it is
// and gzip-compressed (made once, for the clients that accept it).
class answer_cache {
 public:
  std::shared_ptr<const http::encoded_body> find(const std::string& key, std::int64_t changes,
                                              const std::shared_ptr<const store::catalog>& catalog) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.changes != changes || it->second.catalog != catalog) return nullptr;
    return it->second.answer;
  }
  void put(const std::string& key, std::int64_t changes, std::shared_ptr<const store::catalog> catalog,
           std::shared_ptr<const http::encoded_body> answer) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= 256 && !entries_.contains(key)) entries_.clear();
    entries_.insert_or_assign(key, entry{changes, std::move(catalog), std::move(answer)});
  }

 private:
  struct entry {
    std::int64_t changes;
    std::shared_ptr<const store::catalog> catalog;
    std::shared_ptr<const http::encoded_body> answer;
  };
  std::mutex mutex_;
  std::map<std::string, entry> entries_;
};

net::awaitable<http::response> monthly(services& s, store::median_cache& medians, answer_cache& answers,
                                       http::request_context& ctx) {
  require_known_params(ctx.target.query, {"from", "to", "department", "category", "format", "delimiter", "labels"});
  const auto catalog = s.catalog();
  const auto request = read_stats_request(ctx, *catalog, domain::amsterdam_month(domain::now()));
  const std::string key = domain::format_year_month(request.query.from) + "|" +
                          domain::format_year_month(request.query.to) + "|" + request.query.department + "|" +
                          request.query.category + "|" + (request.csv ? std::string(1, request.delimiter) + (request.dutch ? "nl" : "") : "json");
  auto job = [&](store::connection& c) {
    auto answer = answers.find(key, store::stats_changes(c), catalog);
    if (!answer) {
      std::int64_t changes = 0;
      const auto months = store::monthly_stats(c, request.query, breakdown_keys(*catalog), &medians, &changes);
      answer = std::make_shared<const http::encoded_body>(
          request.csv ? stats_csv(months, *catalog, request.delimiter, request.dutch)
                      : stats_json(request.query, months).dump(-1, ' ', false, json::error_handler_t::replace));
      answers.put(key, changes, catalog, answer);
    }
    return answer;
  };
  const auto answer = co_await s.query(std::move(job));
  http::response res{http::status::ok, 11};
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::vary, "Accept");  // JSON or CSV by the Accept header
  if (request.csv) {
    res.set(http::field::content_type, util::csv_writer::content_type);
    res.set(http::field::content_disposition,
            "attachment; filename=\"" + stats_csv_filename(request.query) + "\"");
  } else {
    res.set(http::field::content_type, "application/json");
  }
  answer->answer(ctx, res);  // the cached body goes out as it is (no copy per request)
  co_return res;
}

}  // namespace

stats_request read_stats_request(const http::request_context& ctx, const store::catalog& catalog,
                                 domain::year_month current) {
  std::map<std::string, std::string> errors;
  stats_request r;
  r.query = domain::read_stats_range(given(ctx.target.query, "from"), given(ctx.target.query, "to"), current, errors);
  if (const auto* d = ctx.query("department"); d && !d->empty()) {
    if (!catalog.known.departments.contains(*d))
      errors.emplace("department", "unknown department key; see /api/v1/meta");
    r.query.department = *d;
  }
  if (const auto* c = ctx.query("category"); c && !c->empty()) {
    if (!catalog.known.categories.contains(*c)) errors.emplace("category", "unknown category key; see /api/v1/meta");
    r.query.category = *c;
  }
  if (const auto* f = given(ctx.target.query, "format")) {
    if (*f == "csv")
      r.csv = true;
    else if (*f != "json")
      errors.emplace("format", "must be json or csv");
  } else {
    r.csv = accepts_csv(ctx.req);
  }
  if (const auto* d = given(ctx.target.query, "delimiter")) {
    if (const auto c = util::parse_csv_delimiter(*d))
      r.delimiter = *c;
    else
      errors.emplace("delimiter", "must be comma or semicolon");
  }
  if (const auto* l = given(ctx.target.query, "labels")) {
    if (*l == "nl")
      r.dutch = true;
    else if (*l != "keys")
      errors.emplace("labels", "must be keys or nl");
  }
  if (!errors.empty())
    throw http::api_error(http::status::unprocessable_entity, "validation_failed",
                          "the statistics request is not acceptable", std::move(errors));
  return r;
}

store::stats_keys breakdown_keys(const store::catalog& catalog) {
  store::stats_keys keys;
  for (const auto& d : catalog.departments) keys.departments.insert(d.key);
  for (const auto& c : catalog.categories) keys.categories.insert(c.key);
  return keys;
}

json stats_json(const domain::stats_query& q, const std::vector<domain::month_stats>& months) {
  json list = json::array();
  for (const auto& m : months) {
    json outcomes = json::object();
    for (std::size_t o = 0; o < domain::outcome_count; ++o) outcomes[std::string(domain::outcomes[o])] = m.by_outcome[o];
    list.push_back({{"month", domain::format_year_month(m.month)},
                    {"received", m.total.received},
                    {"decided", m.total.decided},
                    {"resolved", m.total.resolved},
                    {"wont_fix", m.total.wont_fix},
                    {"rejected", m.total.rejected},
                    {"duplicates", m.total.duplicates},
                    {"open_at_end", m.open_at_end},
                    {"median_days_to_decision", optional_number(m.median_days_to_decision)},
                    {"median_days_to_close", optional_number(m.median_days_to_close)},
                    {"by_department", breakdown_json(m.by_department)},
                    {"by_owner_department", breakdown_json(m.by_owner_department)},
                    {"by_category", breakdown_json(m.by_category)},
                    {"by_outcome", std::move(outcomes)}});
  }
  return {{"from", domain::format_year_month(q.from)},
          {"to", domain::format_year_month(q.to)},
          {"department", q.department.empty() ? json(nullptr) : json(q.department)},
          {"category", q.category.empty() ? json(nullptr) : json(q.category)},
          {"months", std::move(list)}};
}

std::string stats_csv(const std::vector<domain::month_stats>& months, const store::catalog& catalog, char delimiter,
                      bool dutch) {
  util::csv_writer out({.delimiter = delimiter});
  if (dutch)
    out.row({"maand", "uitsplitsing", "code", "naam", "ontvangen", "besluit genomen", "opgelost", "niet opgelost",
             "afgewezen", "dubbele melding", "open aan het eind van de maand", "mediane dagen tot besluit",
             "mediane dagen tot afhandeling"});
  else
    out.row({"month", "breakdown", "key", "label", "received", "decided", "resolved", "wont_fix", "rejected",
             "duplicates", "open_at_end", "median_days_to_decision", "median_days_to_close"});
  // The name of each breakdown: the key for tools, the page's words for people.
  const auto breakdown_name = [dutch](const char* key) -> std::string {
    if (!dutch) return key;
    const std::string_view k = key;
    if (k == "total") return "Totaal";
    if (k == "department") return "Dienst van de melder";
    if (k == "owner_department") return "Dienst die over de regel gaat";
    if (k == "category") return "Categorie";
    if (k == "outcome") return "Uitkomst";
    return key;
  };
  for (const auto& m : months) {
    const auto month = domain::format_year_month(m.month);
    out.cell(month).cell(breakdown_name("total")).empty_cell().cell("Totaal");
    counts_cells(out, m.total);
    out.cell(m.open_at_end);
    decimal_cell(out, m.median_days_to_decision, delimiter);
    decimal_cell(out, m.median_days_to_close, delimiter);
    out.end_row();
    const auto breakdown = [&](const char* name, const std::map<std::string, domain::stats_counts, std::less<>>& by,
                               auto label_of) {
      for (const auto& [key, counts] : by) {
        const std::string* label = (catalog.*label_of)(key);  // former departments keep their label
        out.cell(month).cell(breakdown_name(name)).cell(key).cell(label ? *label : key);
        counts_cells(out, counts);
        out.empty_cell().empty_cell().empty_cell().end_row();
      }
    };
    breakdown("department", m.by_department, &store::catalog::department_label);
    breakdown("owner_department", m.by_owner_department, &store::catalog::department_label);
    breakdown("category", m.by_category, &store::catalog::category_label);
    for (std::size_t o = 0; o < domain::outcome_count; ++o) {
      const std::string_view key = domain::outcomes[o];
      out.cell(month).cell(breakdown_name("outcome")).cell(key).cell(domain::outcome_label_nl(key));
      out.empty_cell().empty_cell().cell(m.by_outcome[o]);
      out.empty_cell().empty_cell().empty_cell().empty_cell().empty_cell().empty_cell().end_row();
    }
  }
  return out.take();
}

std::string stats_csv_filename(const domain::stats_query& q) {
  return "rodeknop-statistiek-" + domain::format_year_month(q.from) + "-" + domain::format_year_month(q.to) + ".csv";
}

void register_stats_routes(http::router& r, services& s, std::shared_ptr<store::median_cache> cache) {
  auto answers = std::make_shared<answer_cache>();
  r.add(http::verb::get, "/api/v1/stats/monthly", auth::access::read_statistics,
        [&s, cache, answers](http::request_context& ctx) { return monthly(s, *cache, *answers, ctx); });
}

}  // namespace rodeknop::api
