#pragma once
// The team's endpoints (login required), as in CONTRACT.md:
//   GET   /api/v1/reports                  list, filters, full-text search, cursor pages (read_reports)
//   GET   /api/v1/reports/{id}             one report with history, comments, similar; ETag (read_reports)
//   PATCH /api/v1/reports/{id}             workflow changes with If-Match (change_reports)
//   POST  /api/v1/reports/{id}/comments    internal or reporter-visible comment (change_reports)
//   GET   /api/v1/triage/{YYYY-Www}        the week view, JSON or CSV minutes (read_reports)
//   GET   /api/v1/events                   Server-Sent Events: report.created / report.updated (team)

#include <cstdint>
#include <string_view>

#include "rodeknop/app.hpp"
#include "rodeknop/http/router.hpp"

namespace rodeknop::api {

void register_team_routes(http::router& r, services& s);

/// Tells the open live-update streams that a report was created or changed
/// (`type` "report.created" or "report.updated"); data {id, reference, status, version, actor}.
/// `actor` is the team member (user name, or `token:name`) who made the change; empty for
/// the reporter's own steps (the report itself, a reply), which name nobody.
void publish_report_event(services& s, std::string_view type, std::int64_t id, std::string_view reference,
                          std::string_view status, std::int64_t version, std::string_view actor = {});

}  // namespace rodeknop::api
