#pragma once
// The page /stats for managers: headline figures for a period, charts (drawn by static/js/stats.js
// from the tables the page carries), the tables themselves for screen readers and print — per
// month, and for the whole period per reporter's department, per owning department and per
// category — a period picker with department and category filters, CSV downloads and the
// definitions.

#include <memory>

#include "rodeknop/app.hpp"
#include "rodeknop/http/router.hpp"
#include "rodeknop/store/stats.hpp"

namespace rodeknop::web {

/// GET /stats (access read_statistics).
void register_stats_page(http::router& r, services& s, std::shared_ptr<store::median_cache> cache);

}  // namespace rodeknop::web
