#pragma once
// The triage team's pages: /team (the weekly triage dashboard) and /team/reports/{id} (one
// report). Both are server-rendered shells (static/templates/team.html, team-report.html)
// that ES modules (static/js/team.js, team-report.js) fill from the JSON API. The routes need
// `read_reports`, so the gate sends a browser without a session to the login page.

#include <optional>
#include <string>

#include "rodeknop/app.hpp"
#include "rodeknop/domain/calendar.hpp"
#include "rodeknop/http/router.hpp"

namespace rodeknop::web {

/// GET /team and GET /team/reports/{id}.
void register_team_page_routes(http::router& r, services& s);

/// What the week navigation of /team shows for ISO week `w`.
struct week_navigation {
  std::string week;        // "2026-W12"
  unsigned number = 0;     // 12
  int year = 0;            // 2026 (the ISO week-numbering year)
  std::string range_nl;    // "16 t/m 22 maart 2026"
  std::string previous;    // "2026-W11"
  std::string next;        // "2026-W13"
};

/// The week, the Dutch label of its Monday-to-Sunday range and its neighbours.
week_navigation navigation_for(domain::iso_week w);

}  // namespace rodeknop::web
