#pragma once
// The server-rendered pages: the report form (/), the tracking and confirmation page
// (/volg/{token}) and Dutch error pages. Templates are in static/templates/.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rodeknop/app.hpp"
#include "rodeknop/domain/report.hpp"
#include "rodeknop/http/router.hpp"
#include "rodeknop/store/catalog.hpp"
#include "rodeknop/store/reports.hpp"

namespace rodeknop::web {

/// GET / and GET /volg/{token}.
void register_page_routes(http::router& r, services& s);

/// The report form, empty or refilled with the submission and its problems; `problem`: why
/// a valid submission was not stored (a storage failure), shown above the form; `known_as`: the
/// user name single sign-on gives the reporter (the form then says that the team sees it).
http::response report_form_page(services& s, http::status status, const domain::report_submission* values,
                                const domain::field_errors* errors, std::string_view problem = {},
                                std::string_view known_as = {}, std::string_view form_key = {});

/// The random key of one report form (`formulier`; sql/0007): the same form sent twice makes one
/// report. 16 bytes, base64url.
std::string new_form_key();
bool plausible_form_key(std::string_view key);

struct tracking_page_state {
  bool just_submitted = false;
  bool reply_sent = false;
  std::string reply_error;
  std::string reply_body;
};

/// The reporter's view of their report.
http::response tracking_page(services& s, http::status status, const store::tracking_view& view,
                             std::string_view token, const http::request_context& ctx, const tracking_page_state& state);

/// The options of a department or category select: the active entries, and for filters also
/// the former ones (marked "niet meer in gebruik"), so old reports stay findable.
nlohmann::json list_options(const std::vector<store::list_entry>& active, std::string_view selected,
                            const std::vector<store::list_entry>* former = nullptr);

/// A Dutch error page; for a signed-in team member (`who`) with the team's menu in the header
/// and a link back to the team's page instead of the report form.
http::response error_page(services& s, http::status status, std::string title, std::string message,
                          const auth::principal* who = nullptr);

/// The link a reporter keeps: base URL (configured, else the Host header, https when a trusted
/// proxy says X-Forwarded-Proto: https) + /volg/token.
std::string tracking_url(const services& s, const http::request_context& ctx, std::string_view token);

}  // namespace rodeknop::web
