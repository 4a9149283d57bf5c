#pragma once
// GET /api/v1/stats/monthly (managers and admins): the monthly figures of PRODUCT.md as JSON,
// or as CSV for spreadsheets and BI tools (`Accept: text/csv` or `format=csv`).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rodeknop/app.hpp"
#include "rodeknop/domain/stats.hpp"
#include "rodeknop/http/router.hpp"
#include "rodeknop/store/catalog.hpp"
#include "rodeknop/store/stats.hpp"

namespace rodeknop::api {

/// What a statistics request asks for, read from its query string.
struct stats_request {
  domain::stats_query query;
  bool csv = false;
  char delimiter = ',';
  bool dutch = false;  // labels=nl: Dutch column names and labels in the CSV, for people (Excel)
};

/// Reads from, to, department, category, format, delimiter and labels (and the Accept header); throws
/// http::api_error 422 naming each unacceptable parameter.
stats_request read_stats_request(const http::request_context& ctx, const store::catalog& catalog,
                                 domain::year_month current);

/// The keys every breakdown lists (the active departments and categories).
store::stats_keys breakdown_keys(const store::catalog& catalog);

/// {"from", "to", "department", "category", "months": [...]} as the contract describes it.
nlohmann::json stats_json(const domain::stats_query& q, const std::vector<domain::month_stats>& months);

/// One header row, then per month a "total" row and one row per department, owning
/// department, category and outcome. With ';' as delimiter, decimals get a comma (Excel with
/// Dutch regional settings reads both as meant). `dutch` (labels=nl): Dutch column names and
/// Dutch names of the breakdowns; the keys stay in their own column.
std::string stats_csv(const std::vector<domain::month_stats>& months, const store::catalog& catalog, char delimiter,
                      bool dutch = false);

/// "rodeknop-statistiek-2026-01-2026-12.csv".
std::string stats_csv_filename(const domain::stats_query& q);

void register_stats_routes(http::router& r, services& s, std::shared_ptr<store::median_cache> cache);

}  // namespace rodeknop::api
